using Microsoft.AspNetCore.Http;

namespace Fire.Service.Inputs;

/// <summary>Reads a request body whole, refusing (413) one longer than the limit before reading past it.</summary>
internal static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken cancellation)
    {
        string tooLarge = $"The request body is larger than the limit of {limit:N0} bytes (fire serve --max-body-kb).";
        if (request.ContentLength > limit) throw new ApiException(StatusCodes.Status413PayloadTooLarge, tooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > limit) throw new ApiException(StatusCodes.Status413PayloadTooLarge, tooLarge);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
