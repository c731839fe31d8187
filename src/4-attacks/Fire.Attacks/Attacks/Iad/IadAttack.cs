using Fire.Attacks.Specs;
using Fire.Data;
using Fire.Engines.Torch;
using Fire.Training;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// Input-aware dynamic attack (IAD, Nguyen and Tran 2020): a generator makes a different trigger for every image and
/// a mask network decides where it goes; both are trained with the classifier (see <see cref="IadTraining"/>).
/// BackdoorBench's defaults: lambda_div 1, lambda_norm 100, mask density 0.032, 25 mask pre-training epochs, Adam
/// (lr 0.01, betas 0.5/0.9) for generator and mask, and per batch 10% poisoned plus as many cross samples (another
/// image's trigger, label kept); Fire keeps one fixed seeded set of them unless the options ask for a fresh draw every
/// epoch (<see cref="IadOptions.RedrawEachEpoch"/>). The trained networks are saved beside the checkpoint
/// (<c>.iad</c>) with their SHA-256.
/// </summary>
public sealed class IadAttack : BackdoorAttack
{
    public const string Kind = "iad";
    public const string WeightsSuffix = ".iad";

    private readonly IadTrigger _trigger;

    private IadAttack(AttackSpec spec, IadNetworks networks) : base(spec)
    {
        Networks = networks;
        _trigger = new IadTrigger(networks);
    }

    public IadNetworks Networks { get; }
    public override ITrigger Trigger => _trigger;

    /// <param name="CrossRatio">Cross samples per poisoned sample (BackdoorBench: as many as poisoned).</param>
    /// <param name="GeneratorSteps">Down/up steps of both networks (3 for 32x32 images, 2 for MNIST's 28x28).</param>
    public sealed record Parameters(double LambdaDiv, double LambdaNorm, double MaskDensity, int MaskEpochs, double CrossRatio,
        double GeneratorLearningRate, int GeneratorChannels, int GeneratorSteps);

    public static IadAttack Create(AttackOptions options, IadOptions own)
    {
        if (options.CleanLabel == true) throw new ArgumentException("The IAD attack relabels its poisoned samples; it has no clean-label mode.");
        int steps = IadGenerator.DefaultSteps(options.Shape);
        var p = new Parameters(own.LambdaDiv, own.LambdaNorm, own.MaskDensity, own.MaskEpochs,
            own.CrossRatio, own.GeneratorLearningRate, own.GeneratorChannels ?? IadGenerator.DefaultChannels(steps), steps);
        Check(p);
        manual_seed(Seeds.For(options.Seed, Seeds.Networks)); // the networks' initial weights
        return new IadAttack(NewSpec(Kind, options, p, redrawEachEpoch: own.RedrawEachEpoch), new IadNetworks(options.Shape, p.GeneratorChannels, p.GeneratorSteps));
    }

    /// <summary>Rebuilds the trained networks from the weights file named by <paramref name="spec"/>, relative to <paramref name="directory"/>.</summary>
    public static IadAttack Restore(AttackSpec spec, string directory)
    {
        var p = spec.Read<Parameters>();
        Check(p);
        if (spec.Weights is not { } file)
            throw new InvalidDataException("The IAD specification names no weights file for its generator and mask network.");
        string path = Path.Combine(directory, file.Path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The IAD generator weights '{path}' named by the specification are missing.", path);
        string sha = ContentHash.OfFile(path);
        if (!sha.Equals(file.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"The IAD generator weights '{path}' have SHA-256 {sha}, not {file.Sha256} as the specification records: the file was changed.");
        var networks = new IadNetworks(spec.Shape, p.GeneratorChannels, p.GeneratorSteps);
        try
        {
            networks.load(path);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or IOException)
        {
            networks.Dispose();
            throw new InvalidDataException($"The IAD generator weights '{path}' do not fit the specified networks: {e.Message}", e);
        }
        networks.eval();
        return new IadAttack(spec, networks);
    }

    public override TrainResult Train(LayeredNet net, ImageDataset train, TrainRecipe recipe, AttackTrainingHooks? hooks = null)
    {
        var p = Spec.Read<Parameters>();
        var (selection, summary) = SelectPerEpoch(train, recipe, p.CrossRatio);
        Spec = Spec with { Poisoning = summary };
        using var training = new IadTraining(net, Networks, p, Target, recipe, hooks);
        return training.Run(train, selection);
    }

    public override void SaveFiles(string checkpointPath)
    {
        string path = Path.GetFullPath(checkpointPath) + WeightsSuffix;
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            Networks.save(writer);
        });
        Spec = Spec with { Weights = new AttachedFile(Path.GetFileName(path), ContentHash.OfFile(path)) };
    }

    private static void Check(Parameters p)
    {
        if (!(p.LambdaDiv >= 0) || !(p.LambdaNorm >= 0)) throw new ArgumentException($"--lambda-div and --lambda-norm must be 0 or more, got {p.LambdaDiv} and {p.LambdaNorm}.");
        if (!(p.MaskDensity > 0 && p.MaskDensity <= 1)) throw new ArgumentException($"--mask-density must be in (0, 1], got {p.MaskDensity}.");
        if (p.MaskEpochs < 0) throw new ArgumentException($"--mask-epochs must be 0 or more, got {p.MaskEpochs}.");
        if (!(p.CrossRatio >= 0) || double.IsInfinity(p.CrossRatio)) throw new ArgumentException($"--cross-ratio must be 0 or more, got {p.CrossRatio}.");
        if (!(p.GeneratorLearningRate > 0)) throw new ArgumentException($"--generator-lr must be positive, got {p.GeneratorLearningRate}.");
    }
}
