// MSBuild inline task, compiled by RoslynCodeTaskFactory (see LibTorchSharpGlibcxx.targets).
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class MarkGlibcxxVersionWeak : Task
{
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;
    static readonly string[] SystemLibstdcxx =
        { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" };

    [Required] public ITaskItem[] Libraries { get; set; }
    [Required] public string Version { get; set; }

    public override bool Execute()
    {
        byte[] needle = Encoding.ASCII.GetBytes(Version + "\0");
        string system = Array.Find(SystemLibstdcxx, File.Exists);
        if (system == null || IndexOf(File.ReadAllBytes(system), needle, 0) >= 0)
            return true; // unknown layout or a libstdc++ that has the version: nothing to cure

        foreach (var item in Libraries)
        {
            string path = item.ItemSpec;
            byte[] elf = File.ReadAllBytes(path);
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2)
            {
                Log.LogWarning($"{path} is not a 64-bit ELF library; left unchanged.");
                continue;
            }
            if (!MarkWeak(elf, needle)) continue;
            string temp = path + ".patching";
            File.WriteAllBytes(temp, elf);
            File.Replace(temp, path, null); // atomic swap: an interrupted build never leaves half a library
            Log.LogMessage(MessageImportance.Normal, $"Marked {Version} weak in {path}: {system} lacks it.");
        }
        return true;
    }

    // Walks .gnu.version_r (Elf64_Verneed / Elf64_Vernaux) and sets VER_FLG_WEAK on the entry named like needle.
    static bool MarkWeak(byte[] elf, byte[] needle)
    {
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        bool changed = false;
        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)(shoff + (long)s * shentsize));
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int vn = checked((int)BitConverter.ToInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int entries = (int)BitConverter.ToUInt32(elf, sh + 0x2C);
            int strtab = checked((int)BitConverter.ToInt64(elf, checked((int)(shoff + (long)link * shentsize)) + 0x18));
            for (int i = 0; i < entries; i++)
            {
                int auxCount = BitConverter.ToUInt16(elf, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    int name = strtab + (int)BitConverter.ToUInt32(elf, aux + 8);
                    ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                    if (IndexOf(elf, needle, name) == name && (flags & VerFlgWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                        changed = true;
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                vn += (int)BitConverter.ToUInt32(elf, vn + 12);
            }
        }
        return changed;
    }

    static int IndexOf(byte[] haystack, byte[] needle, int start)
    {
        for (int i = start; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}
