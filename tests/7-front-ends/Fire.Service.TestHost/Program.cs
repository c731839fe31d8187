// A service process for crash trials: `Fire.Service.TestHost --state DIR --guard FILE --port N` serves the toy backdoored
// model on 127.0.0.1 until killed; `--make-guard FILE` writes a fresh guard for it.
using Fire.Service;
using Fire.Service.Security;
using Fire.Service.Serving;
using Fire.Service.TestHost;

string Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"{name} is required.");
if (args.Contains("--make-guard"))
{
    ToyBackdoor.SaveFreshGuard(Option("--make-guard"));
    return 0;
}
using var model = new ToyBackdoor();
using var host = GuardHost.Open(model, Option("--guard"), Option("--state"));
var keys = KeyRing.Parse("""{"keys": [{"id": "ops", "key": "admin-secret-0123456789", "roles": ["admin"]}]}""", "test keys");
var app = FireService.Build(new ServiceConfig(host, keys, new RequestLimits(), new BatchingOptions()), [$"http://127.0.0.1:{Option("--port")}"]);
await app.RunAsync();
return 0;
