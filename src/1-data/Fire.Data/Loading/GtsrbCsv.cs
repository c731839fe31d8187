using System.Globalization;
using System.Text;

namespace Fire.Data.Loading;

/// <summary>A GTSRB annotation file: semicolon separated, header
/// Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId (columns found by name).</summary>
internal static class GtsrbCsv
{
    /// <summary>One annotated image. The region of interest is [X1, X2) x [Y1, Y2) in the Width x Height frame
    /// of the original image: with X2 exclusive the border around the sign is at least the 5 pixels the release
    /// promises.</summary>
    public sealed record Row(int Line, string FileName, int Width, int Height, int X1, int Y1, int X2, int Y2, int ClassId);

    static readonly string[] Columns = ["Filename", "Width", "Height", "Roi.X1", "Roi.Y1", "Roi.X2", "Roi.Y2", "ClassId"];

    public static List<Row> Parse(FileEntry file)
    {
        var lines = Encoding.UTF8.GetString(file.Data).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count == 0 || lines[0].Trim().Length == 0)
            throw new InvalidDataException($"{file.Display}: empty annotation file.");
        var header = lines[0].Trim().TrimStart('\uFEFF').Split(';');
        var index = Columns.Select(name => Array.FindIndex(header, h => h.Trim().Equals(name, StringComparison.OrdinalIgnoreCase))).ToArray();
        var missing = Columns.Where((_, i) => index[i] < 0).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{file.Display}: header '{lines[0]}' lacks the column(s) {string.Join(", ", missing)}.");

        var rows = new List<Row>();
        for (int n = 1; n < lines.Count; n++)
        {
            if (lines[n].Trim().Length == 0) continue;
            var fields = lines[n].Split(';');
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{file.Display}: line {n + 1} has {fields.Length} fields, expected {header.Length}.");
            int Number(int column)
            {
                string text = fields[index[column]].Trim();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 0)
                    throw new InvalidDataException($"{file.Display}: line {n + 1}: {Columns[column]} '{text}' is not a non-negative integer.");
                return value;
            }
            rows.Add(new Row(n + 1, fields[index[0]].Trim(), Number(1), Number(2), Number(3), Number(4), Number(5), Number(6), Number(7)));
        }
        return rows;
    }
}
