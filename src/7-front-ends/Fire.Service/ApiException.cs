namespace Fire.Service;

/// <summary>A request the service refuses, with the HTTP status and a message for the client (never a stack trace).</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
