using Fire.Service.Security;

namespace Fire.Service.Tests;

public class KeyRingTests
{
    [Fact]
    public void KeysParseWithTheirRolesAndAdminHoldsEveryRole()
    {
        var keys = KeyRing.Parse(TestService.KeysJson, "test");
        Assert.Equal(3, keys.Count);
        Assert.Equal(new ApiKey("reviewer", Roles.Predict | Roles.Flag), keys.Find(TestService.FlagKey));
        Assert.True(keys.Find(TestService.AdminKey)!.Has(Roles.Flag));
        Assert.False(keys.Find(TestService.PredictKey)!.Has(Roles.Flag));
        Assert.Null(keys.Find("no-such-key-0123456789"));
    }

    [Theory]
    [InlineData("""{"keys": []}""", "no keys")]
    [InlineData("""{"keys": [{"id": "a", "key": "short", "roles": ["predict"]}]}""", "at least 16 characters")]
    [InlineData("""{"keys": [{"id": "a", "key": "0123456789abcdef", "roles": ["root"]}]}""", "unknown role 'root'")]
    [InlineData("""{"keys": [{"id": "a", "key": "0123456789abcdef", "roles": []}]}""", "\"roles\" is empty")]
    [InlineData("""{"keys": [{"id": "a", "key": "0123456789abcdef", "roles": ["flag"]}, {"id": "a", "key": "0123456789abcdeg", "roles": ["flag"]}]}""", "used twice")]
    [InlineData("""{"keys": [{"id": "a", "key": "0123456789abcdef", "roles": ["flag"]}, {"id": "b", "key": "0123456789abcdef", "roles": ["flag"]}]}""", "same secret")]
    [InlineData("""{"keys": [{"key": "0123456789abcdef", "roles": ["flag"]}]}""", "\"id\" is missing")]
    [InlineData("""{"keys": """, "not valid JSON")]
    public void BadKeyFilesAreRefusedNamingTheFileAndTheKey(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => KeyRing.Parse(json, "key file 'k.json'"));
        Assert.StartsWith("key file 'k.json'", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void KeysComeFromTheFileElseTheEnvironmentElseNone()
    {
        Assert.True(KeyRing.Load(null, null).IsOpen);
        Assert.Equal(3, KeyRing.Load(null, TestService.KeysJson).Count);
        Assert.Contains("--keys", Assert.Throws<FileNotFoundException>(() => KeyRing.Load("/no/such/keys.json", TestService.KeysJson)).Message);
    }
}
