namespace Fire.Data.Loading;

/// <summary>Names, class names and statistics of the data sets Fire knows by name.</summary>
internal static class KnownDatasets
{
    public const string Cifar10 = "cifar10";
    public const string Gtsrb = "gtsrb";
    public const string Mnist = "mnist";
    public const string FashionMnist = "fashion-mnist";

    public static readonly string[] Names = [Cifar10, Gtsrb, Mnist, FashionMnist];

    /// <summary>The canonical name for a known name or alias ("CIFAR-10", "fashion_mnist", "fmnist"), else null.</summary>
    public static string? Canonical(string name) =>
        Key(name) switch
        {
            "cifar10" => Cifar10,
            "gtsrb" => Gtsrb,
            "mnist" => Mnist,
            "fashionmnist" or "fmnist" => FashionMnist,
            _ => null,
        };

    /// <summary>Lower-case letters and digits only, so folder names like "Fashion_MNIST" match.</summary>
    public static string Key(string name) => new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    public static readonly string[] Cifar10Classes =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    public static readonly string[] DigitClasses = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    public static readonly string[] FashionMnistClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The GTSRB sign names, in ClassId order 0..42.</summary>
    public static readonly string[] GtsrbClasses =
    [
        "Speed limit (20km/h)", "Speed limit (30km/h)", "Speed limit (50km/h)", "Speed limit (60km/h)",
        "Speed limit (70km/h)", "Speed limit (80km/h)", "End of speed limit (80km/h)", "Speed limit (100km/h)",
        "Speed limit (120km/h)", "No passing", "No passing for vehicles over 3.5 metric tons",
        "Right-of-way at the next intersection", "Priority road", "Yield", "Stop", "No vehicles",
        "Vehicles over 3.5 metric tons prohibited", "No entry", "General caution", "Dangerous curve to the left",
        "Dangerous curve to the right", "Double curve", "Bumpy road", "Slippery road", "Road narrows on the right",
        "Road work", "Traffic signals", "Pedestrians", "Children crossing", "Bicycles crossing", "Beware of ice/snow",
        "Wild animals crossing", "End of all speed and passing limits", "Turn right ahead", "Turn left ahead",
        "Ahead only", "Go straight or right", "Go straight or left", "Keep right", "Keep left",
        "Roundabout mandatory", "End of no passing", "End of no passing by vehicles over 3.5 metric tons",
    ];

    public static readonly Normalization Cifar10Normalization = new([0.4914f, 0.4822f, 0.4465f], [0.247f, 0.243f, 0.261f]);
    public static readonly Normalization GtsrbNormalization = new([0.3403f, 0.3121f, 0.3214f], [0.2724f, 0.2608f, 0.2669f]);
    public static readonly Normalization MnistNormalization = new([0.1307f], [0.3081f]);
    public static readonly Normalization FashionMnistNormalization = new([0.2860f], [0.3530f]);
}
