using Microsoft.Extensions.Logging;

namespace BackendPortal.E2E.Fixtures;

/// <summary>
/// Listens to the app's log: reads the <c>SetupUrl</c> of the start-up message the way an operator
/// reads it from the console, and keeps warnings and errors in a file beside the screenshots, so a
/// failed browser test can be explained from the server's side.
/// </summary>
public sealed class ServerLog : ILoggerProvider
{
    private readonly TaskCompletionSource<string> setupUrl = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();

    public ServerLog()
    {
        if (File.Exists(FilePath))
        {
            File.Delete(FilePath);
        }
    }

    public static string FilePath { get; } = Path.GetFullPath(Path.Combine(Screenshots.Folder, "..", "e2e-server.log"));

    public Task<string> SetupUrl => setupUrl.Task;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        lock (gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.AppendAllText(FilePath, $"{DateTime.UtcNow:HH:mm:ss.fff} {level} {category}: {message}{Environment.NewLine}"
                + (exception is null ? "" : exception + Environment.NewLine));
        }
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values
                && values.FirstOrDefault(v => v.Key == "SetupUrl").Value is string url)
            {
                log.setupUrl.TrySetResult(url);
                // The token is a secret even in a test run: it stays out of the file.
                log.Write(category, logLevel, "Setup URL issued.", null);
                return;
            }
            log.Write(category, logLevel, formatter(state, exception), exception);
        }
    }
}
