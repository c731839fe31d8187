using System.Text;
using System.Text.Json;
using Fire.Data.Imaging;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using StbImageSharp;

namespace Fire.Service.Inputs;

/// <summary>The images of one request as the model takes them, with the optional source and note of a flag.</summary>
public sealed record ImageInput(FloatBatch Images, string? Source, string? Note);

/// <summary>
/// Turns a request body into model input (N, C, H, W) in [0, 1]. Three forms:
/// <list type="bullet">
/// <item><c>multipart/form-data</c>: every file part is one image (PNG, JPEG, BMP, GIF, TGA, PPM/PGM), resized and its
///   channels converted to the model's input as <c>fire guard predict</c> does; text fields <c>source</c> and <c>note</c>.</item>
/// <item><c>application/json</c>: <c>{"shape": [N, C, H, W], "data": [...], "source": ..., "note": ...}</c>, a float tensor
///   in [0, 1] of exactly the model's input shape ([C, H, W] for one image), row-major.</item>
/// <item>A raw image body (<c>image/png</c>, <c>image/jpeg</c>, ...): one image.</item>
/// </list>
/// Every refusal is an <see cref="ApiException"/> (400 or 413) that names the image and the limit.
/// </summary>
public sealed class ImageInputReader(int[] inputShape, RequestLimits limits)
{
    private const int MaxTextField = 1000;

    public async Task<ImageInput> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        var body = await RequestBody.ReadAsync(request, limits.MaxBodyBytes, cancellation);
        if (body.Length == 0) throw Bad("The request body is empty: send images as multipart/form-data files, a raw image body, or a JSON tensor {\"shape\": [N, C, H, W], \"data\": [...]}.");
        string contentType = request.ContentType ?? "";
        if (contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase)) return await ReadMultipartAsync(body, contentType, cancellation);
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)) return ReadJson(body);
        if (contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            return new ImageInput(Stack([Decode(body, "the body image")]), null, null);
        throw new ApiException(StatusCodes.Status415UnsupportedMediaType,
            $"Content type '{contentType}' is not read here: use multipart/form-data (image files), application/json (a float tensor) or image/* (one image).");
    }

    private async Task<ImageInput> ReadMultipartAsync(byte[] body, string contentType, CancellationToken cancellation)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(contentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) throw Bad("The multipart/form-data content type has no boundary.");
        var reader = new MultipartReader(boundary, new MemoryStream(body)) { BodyLengthLimit = limits.MaxBodyBytes };
        var images = new List<float[]>();
        string? source = null, note = null;
        MultipartSection? section;
        try
        {
            while ((section = await reader.ReadNextSectionAsync(cancellation)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    throw Bad($"Multipart part {images.Count + 1} has no valid Content-Disposition header.");
                var data = await ReadAll(section.Body, cancellation);
                if (disposition.IsFileDisposition())
                {
                    string name = disposition.FileName.Value ?? disposition.FileNameStar.Value ?? $"file {images.Count + 1}";
                    if (images.Count == limits.MaxImages) throw TooMany();
                    images.Add(Decode(data, $"image {images.Count + 1} ('{name}')"));
                }
                else
                {
                    string field = disposition.Name.Value ?? "";
                    string text = Encoding.UTF8.GetString(data);
                    if (text.Length > MaxTextField) throw Bad($"The form field '{field}' has {text.Length} characters; the limit is {MaxTextField}.");
                    if (field == "source") source = text;
                    else if (field == "note") note = text;
                    else throw Bad($"Unknown form field '{field}': send images as file parts, and optionally the text fields 'source' and 'note'.");
                }
            }
        }
        catch (IOException e) // malformed multipart framing
        {
            throw Bad($"The multipart/form-data body is malformed: {e.Message}");
        }
        if (images.Count == 0) throw Bad("The multipart/form-data body holds no image file part.");
        return new ImageInput(Stack(images), source, note);
    }

    private ImageInput ReadJson(byte[] body)
    {
        TensorRequest? tensor;
        try
        {
            tensor = JsonSerializer.Deserialize<TensorRequest>(body, FireJson.Options);
        }
        catch (JsonException e)
        {
            throw Bad($"The JSON body is malformed: {e.Message} Expected {{\"shape\": [N, C, H, W], \"data\": [...]}}.");
        }
        if (tensor?.Shape is null || tensor.Data is null) throw Bad("The JSON body needs \"shape\" ([N, C, H, W]) and \"data\" (the values in [0, 1], row-major).");
        var shape = tensor.Shape.Length == inputShape.Length ? [1, .. tensor.Shape] : tensor.Shape;
        if (shape.Length != inputShape.Length + 1 || !shape[1..].SequenceEqual(inputShape))
            throw Bad($"\"shape\" [{string.Join(", ", tensor.Shape)}] does not fit the model: it takes [N, {string.Join(", ", inputShape)}] (or [{string.Join(", ", inputShape)}] for one image).");
        if (shape[0] < 1) throw Bad("\"shape\" holds no image (N is 0).");
        if (shape[0] > limits.MaxImages) throw TooMany();
        long expected = shape.Aggregate(1L, (a, d) => a * d);
        if (tensor.Data.Length != expected) throw Bad($"\"data\" has {tensor.Data.Length:N0} values; shape [{string.Join(", ", shape)}] needs {expected:N0}.");
        for (int i = 0; i < tensor.Data.Length; i++)
            if (!(tensor.Data[i] is >= 0f and <= 1f))
                throw Bad($"\"data\" holds {tensor.Data[i]} at index {i}: pixels are in [0, 1] (bytes: divide by 255; the model normalises its input itself).");
        return new ImageInput(new FloatBatch(tensor.Data, shape), Limit(tensor.Source, "source"), Limit(tensor.Note, "note"));
    }

    /// <summary>One encoded image as (C, H, W) floats of the model's shape; the size is checked from the header before decoding.</summary>
    private float[] Decode(byte[] data, string what)
    {
        if (!PnmDecoder.IsPnm(data))
        {
            ImageInfo? info;
            try
            {
                info = ImageInfo.FromStream(new MemoryStream(data));
            }
            catch (Exception e) when (e is not OutOfMemoryException) // StbImageSharp throws plain exceptions of several kinds
            {
                info = null;
            }
            if (info is null) throw Bad($"{what}: not an image this service reads (PNG, JPEG, BMP, GIF, TGA, PPM/PGM).");
            CheckSide(info.Value.Width, info.Value.Height, what);
        }
        PlanarImage image;
        try
        {
            image = ImageDecoder.Decode(data, what);
        }
        catch (InvalidDataException e)
        {
            throw Bad(e.Message);
        }
        CheckSide(image.Width, image.Height, what);
        return Fit(image, inputShape);
    }

    /// <summary>A decoded image as the model takes it: its channel count and size, [0, 1] floats (C, H, W).</summary>
    public static float[] Fit(PlanarImage image, int[] inputShape) =>
        PixelBytes.ToFloats(ImageResizer.Resize(image.WithChannels(inputShape[0]), inputShape[1], inputShape[2]).Pixels);

    private void CheckSide(int width, int height, string what)
    {
        if (width > limits.MaxImageSide || height > limits.MaxImageSide)
            throw Bad($"{what} is {width}x{height}: the limit is {limits.MaxImageSide} pixels a side (fire serve --max-image-side).");
        if (width < 1 || height < 1) throw Bad($"{what} is {width}x{height}: an image has at least one pixel.");
    }

    private FloatBatch Stack(List<float[]> images)
    {
        int size = inputShape.Aggregate(1, (a, d) => a * d);
        var data = new float[images.Count * size];
        for (int i = 0; i < images.Count; i++) images[i].CopyTo(data, i * size);
        return new FloatBatch(data, [images.Count, .. inputShape]);
    }

    private static string? Limit(string? text, string field) =>
        text is { Length: > MaxTextField } ? throw Bad($"\"{field}\" has {text.Length} characters; the limit is {MaxTextField}.") : text;

    private ApiException TooMany() =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request holds more than {limits.MaxImages} images, the limit per request (fire serve --max-images).");

    private static ApiException Bad(string message) => new(StatusCodes.Status400BadRequest, message);

    private static async Task<byte[]> ReadAll(Stream stream, CancellationToken cancellation)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellation);
        return copy.ToArray();
    }

    private sealed record TensorRequest(int[]? Shape, float[]? Data, string? Source, string? Note);
}
