using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BackendPortal.Bench;

/// <summary>
/// Counts the SQL commands EF Core runs (its DiagnosticListener), so a slow request can be
/// explained by how many queries it made and which ones.
/// </summary>
public sealed class QueryCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly IDisposable allListeners;
    private readonly ConcurrentDictionary<Guid, ExecutedCommand> commands = new();
    private long sequence;
    private readonly List<IDisposable> subscriptions = [];
    private volatile bool recording;

    public QueryCounter()
    {
        allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public void Start()
    {
        commands.Clear();
        recording = true;
    }

    /// <summary>The commands since <see cref="Start"/>, in order; a query's duration runs until its reader was disposed.</summary>
    public IReadOnlyList<ExecutedCommand> Stop()
    {
        recording = false;
        return [.. commands.Values.OrderBy(c => c.Sequence)];
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (subscriptions)
            {
                subscriptions.Add(listener.Subscribe(this, name =>
                    name == RelationalEventId.CommandExecuted.Name || name == RelationalEventId.DataReaderDisposing.Name));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (!recording)
        {
            return;
        }
        if (value.Value is CommandExecutedEventData executed)
        {
            commands[executed.CommandId] = new ExecutedCommand(
                Interlocked.Increment(ref sequence), executed.Command.CommandText, Parameters(executed.Command), executed.Duration);
        }
        else if (value.Value is DataReaderDisposingEventData disposing && commands.TryGetValue(disposing.CommandId, out var command))
        {
            // The reader's own clock starts when the command returned it: execute plus read is the sum.
            commands[disposing.CommandId] = command with { Duration = command.Duration + disposing.Duration };
        }
    }

    private static IReadOnlyList<(string Name, object? Value)> Parameters(DbCommand command) =>
        [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))];

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        allListeners.Dispose();
        lock (subscriptions)
        {
            subscriptions.ForEach(s => s.Dispose());
        }
    }
}

public sealed record ExecutedCommand(long Sequence, string Sql, IReadOnlyList<(string Name, object? Value)> Parameters, TimeSpan Duration);
