// The commands are registered in FireApp.cs, which the tests share.
return Fire.Cli.FireApp.Run(args);
