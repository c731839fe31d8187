namespace Fire.Testing;

/// <summary>
/// Test categories, as xunit traits: <c>[Trait("Category", "Slow")]</c> marks a test that trains a model, runs a command
/// end to end or reads a whole data set. <c>dotnet test Fire.slnx -c Release --filter "Category!=Slow"</c> runs the rest,
/// the fast unit tests; the README's test command runs everything.
/// </summary>
public static class TestCategories
{
    public const string Name = "Category";
    public const string Slow = "Slow";
}
