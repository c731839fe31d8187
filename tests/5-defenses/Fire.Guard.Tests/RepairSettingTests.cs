using System.Text.Json;
using System.Text.Json.Serialization;
using Fire.Guard;

namespace Fire.Guard.Tests;

/// <summary>The one repair setting: checked on every construction and <c>with</c>, and written to JSON under the names files already use.</summary>
public class RepairSettingTests
{
    private static readonly TriggerDirection Direction = new("conv1", [1f, 0f], [0f, 0f]);
    private static readonly CleanScoreStatistics Clean = CleanScoreStatistics.FromScores([0, 1], 0.5f);

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-0.5f)]
    public void ABadAlphaIsRejectedWithItsLayer(float alpha)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RepairSetting("conv1", RepairMode.Translate, alpha));
        Assert.StartsWith($"Layer 'conv1': alpha must be finite and >= 0, got {alpha}.", error.Message);
        var valid = new RepairSetting("conv1", RepairMode.Translate, 1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => valid with { Alpha = alpha });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RepairSetting("conv1", RepairMode.Translate, alpha));
        Assert.False(RepairSetting.IsValidAlpha(alpha));
    }

    [Fact]
    public void AnUnknownModeOrDensityOrNoLayerIsRejected()
    {
        Assert.Contains("unknown repair mode 9", Assert.Throws<ArgumentOutOfRangeException>(() => new RepairSetting("fc1", (RepairMode)9, 1f)).Message);
        Assert.Contains("unknown direction density 5",
            Assert.Throws<ArgumentOutOfRangeException>(() => new RepairSetting("fc1", RepairMode.Projection, 1f, (DirectionDensity)5)).Message);
        Assert.Throws<ArgumentNullException>(() => new RepairSetting(null!, RepairMode.Projection, 1f));
        Assert.True(RepairSetting.IsValidAlpha(0f));
    }

    [Fact]
    public void ALayerRepairCarriesItsSettingAndForwardsItsMembers()
    {
        var setting = new RepairSetting("conv1", RepairMode.GatedProjection, 1.5f, DirectionDensity.Sparse);
        var repair = new LayerRepair(Direction, Clean, setting);
        Assert.Same(setting, repair.Setting);
        Assert.Equal(("conv1", RepairMode.GatedProjection, 1.5f, DirectionDensity.Sparse), (repair.Layer, repair.Mode, repair.Alpha, repair.Density));
        Assert.Equal(setting, new LayerRepair(Direction, Clean, RepairMode.GatedProjection, 1.5f, DirectionDensity.Sparse).Setting);
        Assert.Contains("'fc1' was given a direction at layer 'conv1'",
            Assert.Throws<ArgumentException>(() => new LayerRepair(Direction, Clean, setting with { Layer = "fc1" })).Message);
    }

    [Fact]
    public void TheReportFormatsAgree()
    {
        var spec = new RepairSetting("conv1", RepairMode.Projection, 1f, DirectionDensity.Sparse);
        Assert.Equal("conv1 projection alpha 1, sparse", spec.ToString());
        Assert.Equal("conv1 gated alpha 0.5", new RepairSetting("conv1", RepairMode.GatedTranslate, 0.5f).ToString());
        var score = new CandidateScore("conv1", RepairMode.Projection, 1f, 0.5, 0.4, null, false, Stage: 2, Density: DirectionDensity.Sparse);
        Assert.Equal(new RepairSetting("conv1", RepairMode.Projection, 1f, DirectionDensity.Sparse), score.Repair);
        Assert.Equal("conv1 projection alpha 1, sparse", score.Setting);
        Assert.Equal(score, new CandidateScore(score.Repair, 0.5, 0.4, null, false, stage: 2));
    }

    /// <summary>A fixed plan is written as it was before the setting had one type: the four names, nothing else, and read back.</summary>
    [Fact]
    public void AFixedPlanKeepsItsJsonNames()
    {
        var json = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) } };
        var options = new FireOptions { FixedPlan = [new RepairSetting("conv1", RepairMode.GatedTranslate, 1f), new RepairSetting("fc1", RepairMode.Translate, 0.5f, DirectionDensity.Sparse)] };
        string text = JsonSerializer.Serialize(options.FixedPlan, json);
        Assert.Equal("""[{"Layer":"conv1","Mode":"gated-translate","Alpha":1,"Density":"dense"},{"Layer":"fc1","Mode":"translate","Alpha":0.5,"Density":"sparse"}]""", text);
        var read = JsonSerializer.Deserialize<FireOptions>(JsonSerializer.Serialize(options, json), json)!;
        Assert.Equal([new RepairSetting("conv1", RepairMode.GatedTranslate, 1f), new RepairSetting("fc1", RepairMode.Translate, 0.5f, DirectionDensity.Sparse)], read.FixedPlan!);
        Assert.Throws<ArgumentOutOfRangeException>(() => JsonSerializer.Deserialize<RepairSetting>("""{"Layer":"fc1","Mode":"translate","Alpha":-1}""", json));
    }
}
