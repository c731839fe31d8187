using System.Text;

namespace Fire.Cli.Tests.Faults;

/// <summary>
/// A small image-folder data set written by the tests (PGM files: train/ and test/, classes "left" and "right", 16x16
/// grey, a bright half plus seeded noise), so that fault trials train in a second instead of loading MNIST.
/// </summary>
internal static class TinyImages
{
    public const int Size = 16;

    public static string Write(string folder, int trainPerClass = 32, int testPerClass = 8)
    {
        var random = new Random(7);
        foreach (var (split, count) in new[] { ("train", trainPerClass), ("test", testPerClass) })
            foreach (var (name, left) in new[] { ("left", true), ("right", false) })
            {
                string dir = Path.Combine(folder, split, name);
                Directory.CreateDirectory(dir);
                for (int i = 0; i < count; i++) File.WriteAllBytes(Path.Combine(dir, $"{i:D3}.pgm"), Pgm(random, left));
            }
        return folder;
    }

    public static byte[] Pgm(Random random, bool left)
    {
        var pixels = new byte[Size * Size];
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                pixels[y * Size + x] = (byte)Math.Clamp((x < Size / 2 == left ? 200 : 40) + random.Next(-30, 31), 0, 255);
        return [.. Encoding.ASCII.GetBytes($"P5\n{Size} {Size}\n255\n"), .. pixels];
    }
}
