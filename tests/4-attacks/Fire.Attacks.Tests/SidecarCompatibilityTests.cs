using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Fire.Attacks;
using Fire.Attacks.Specs;

namespace Fire.Attacks.Tests;

/// <summary>
/// Saved models keep loading: attack specifications exactly as sidecars written before the attacks had their own
/// options records (commit 8c31d55) rebuild the same trigger, read back to the same JSON, and are what the catalog
/// still makes from the same options. The hashes are SHA-256 of the quantized triggered ramp that code produced.
/// </summary>
public sealed class SidecarCompatibilityTests
{
    private static readonly ImageShape Shape = new(3, 8, 8);

    public static TheoryData<string, string, string> Saved => new()
    {
        {
            "badnets", "7ae234e7c5a2871057b083284b7237188e4952081c6a94162cf949a7f63a80f0",
            """
            {
              "attack": "badnets",
              "target": 2,
              "rate": 0.1,
              "cleanLabel": false,
              "seed": 11,
              "imageShape": [
                3,
                8,
                8
              ],
              "parameters": {
                "patch": "white",
                "position": "bottom-right",
                "top": 5,
                "left": 5,
                "patchPng": "iVBORw0KGgoAAAANSUhEUgAAAAMAAAADCAIAAADZSiLoAAAAFElEQVR4XmP8//8/AxgwMcAAggUAVCQDA7cTkZEAAAAASUVORK5CYII=",
                "maskPng": "iVBORw0KGgoAAAANSUhEUgAAAAMAAAADCAAAAABzQ\u002BpjAAAAD0lEQVR4XmP8z8DAxADBAAslAQW/kj/cAAAAAElFTkSuQmCC"
              },
              "weights": null,
              "poisoning": null
            }
            """
        },
        {
            "blended", "43b592b9ff84bb7899bc73c030e28eb6f5cbcffcf06da57cf70e7c84ba62fbad",
            """
            {
              "attack": "blended",
              "target": 2,
              "rate": 0.1,
              "cleanLabel": false,
              "seed": 11,
              "imageShape": [
                3,
                8,
                8
              ],
              "parameters": {
                "alpha": 0.2,
                "pattern": "seeded-noise",
                "patternPng": "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAA00lEQVR4XgHIADf/Adcqz9leNwEl0t5M6dSJPAIr7uSs5uhU/wJL\u002Bw9xzU6MxCtG4c6IwRTPSVUr8wjKBbAC7c7K8sE8Md/yVVHodQkn/fvHpQOSOpYpAjLZvPv0LmPgMtD6BU3HvYeoud42E38iSwMInPHXfOPQnwPx0gnoqMW2ZQhB5RNJq3kDpSe5sWgCUgU3SnAnh/bG6QMUXiGQoPHCAvEHwfveHH6CMOJuQnuQ6VINlAq8LOyZzwNBIlbw\u002Bovby98rIpo4w4aVyeJKcofVI007NGVr8C9zBQAAAABJRU5ErkJggg=="
              },
              "weights": null,
              "poisoning": null
            }
            """
        },
        {
            "wanet", "23f509ff22cfca527e33cdac52b4aeea78fb7aa7a7e9ca1ad84495c5a163ea62",
            """
            {
              "attack": "wanet",
              "target": 2,
              "rate": 0.1,
              "cleanLabel": false,
              "seed": 11,
              "redrawEachEpoch": true,
              "imageShape": [
                3,
                8,
                8
              ],
              "parameters": {
                "k": 4,
                "s": 0.5,
                "gridRescale": 1,
                "crossRatio": 2,
                "postRotation": 10,
                "noise": [
                  0.8739197,
                  0.3991185,
                  1.2241769,
                  1.1685214,
                  0.015653005,
                  1.1733011,
                  -1.6083775,
                  0.9304942,
                  0.376818,
                  -1.3887582,
                  -1.3518857,
                  -1.5123047,
                  0.543043,
                  -0.96468806,
                  1.3537421,
                  1.0577574,
                  0.9823713,
                  -1.1419954,
                  -0.64938617,
                  1.3132693,
                  1.4070206,
                  1.3192044,
                  -1.3580627,
                  -1.266239,
                  -0.9462094,
                  -0.5524254,
                  1.0585328,
                  -0.3504723,
                  1.4445986,
                  0.74132353,
                  0.33477524,
                  1.1915536
                ]
              },
              "weights": null,
              "poisoning": null
            }
            """
        },
        {
            "sig", "1eccc3c115e39b788fa77066ce28a2783cb1a4c1a1c28ab049419b2b0eedcbd8",
            """
            {
              "attack": "sig",
              "target": 2,
              "rate": 0.1,
              "cleanLabel": true,
              "seed": 11,
              "imageShape": [
                3,
                8,
                8
              ],
              "parameters": {
                "delta": 40,
                "frequency": 6
              },
              "weights": null,
              "poisoning": null
            }
            """
        },
        {
            "adaptive-blend", "43b592b9ff84bb7899bc73c030e28eb6f5cbcffcf06da57cf70e7c84ba62fbad",
            """
            {
              "attack": "adaptive-blend",
              "target": 2,
              "rate": 0.003,
              "cleanLabel": false,
              "seed": 11,
              "imageShape": [
                3,
                8,
                8
              ],
              "parameters": {
                "alpha": 0.15,
                "testAlpha": 0.2,
                "pieces": 16,
                "maskRate": 0.5,
                "coverRate": 0.003,
                "pattern": "seeded-noise",
                "patternPng": "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAA00lEQVR4XgHIADf/Adcqz9leNwEl0t5M6dSJPAIr7uSs5uhU/wJL\u002Bw9xzU6MxCtG4c6IwRTPSVUr8wjKBbAC7c7K8sE8Md/yVVHodQkn/fvHpQOSOpYpAjLZvPv0LmPgMtD6BU3HvYeoud42E38iSwMInPHXfOPQnwPx0gnoqMW2ZQhB5RNJq3kDpSe5sWgCUgU3SnAnh/bG6QMUXiGQoPHCAvEHwfveHH6CMOJuQnuQ6VINlAq8LOyZzwNBIlbw\u002Bovby98rIpo4w4aVyeJKcofVI007NGVr8C9zBQAAAABJRU5ErkJggg=="
              },
              "weights": null,
              "poisoning": null
            }
            """
        },
    };

    [Theory]
    [MemberData(nameof(Saved))]
    public void ASpecificationWrittenBeforeRebuildsTheSameTrigger(string attack, string triggerSha256, string json)
    {
        var restored = AttackCatalog.FromSpec(AttackSpec.FromJson(JsonNode.Parse(json)!, "a sidecar of commit 8c31d55"), "");
        Assert.Equal(attack, restored.Name);
        Assert.Equal(triggerSha256, TriggerSha256(restored));
        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), restored.Spec.ToJson().ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Saved))]
    public void TheSameOptionsStillMakeTheSameSpecification(string attack, string triggerSha256, string json)
    {
        var created = AttackCatalog.Create(attack, new AttackOptions { Shape = Shape, Seed = 11, Target = 2 });
        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), created.Spec.ToJson().ToJsonString());
        Assert.Equal(triggerSha256, TriggerSha256(created));
    }

    [Fact]
    public void AnIadSpecificationWrittenBeforeReadsToTheSameParameters()
    {
        var spec = AttackSpec.FromJson(JsonNode.Parse(Iad)!, "a sidecar of commit 8c31d55");
        var created = AttackCatalog.Create("iad", new AttackOptions { Shape = Shape, Seed = 11, Target = 2, GeneratorChannels = 4 });
        Assert.Equal(spec.ToJson().ToJsonString(), created.Spec.ToJson().ToJsonString());
        Assert.Equal(JsonNode.Parse(Iad)!.ToJsonString(), spec.ToJson().ToJsonString());
    }

    private static string TriggerSha256(BackdoorAttack attack) =>
        Convert.ToHexStringLower(SHA256.HashData(PixelBytes.Quantize(Fixtures.Values(attack.Trigger.Apply(Fixtures.Ramp(2, Shape))))));

    private const string Iad =
        """
        {
          "attack": "iad",
          "target": 2,
          "rate": 0.1,
          "cleanLabel": false,
          "seed": 11,
          "imageShape": [
            3,
            8,
            8
          ],
          "parameters": {
            "lambdaDiv": 1,
            "lambdaNorm": 100,
            "maskDensity": 0.032,
            "maskEpochs": 25,
            "crossRatio": 1,
            "generatorLearningRate": 0.01,
            "generatorChannels": 4,
            "generatorSteps": 3
          },
          "weights": null,
          "poisoning": null
        }
        """;
}
