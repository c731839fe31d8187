using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("fire");
    config.PropagateExceptions();
    // Commands are registered here, one line each, grouped by the piece they drive.
});
return Fire.Cli.ErrorReporting.Run(() => app.Run(args));
