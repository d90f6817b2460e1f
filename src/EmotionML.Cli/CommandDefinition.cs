using System.CommandLine;
using System.CommandLine.Parsing;
using Spectre.Console;

namespace EmotionML.Cli;

/// <summary>Settings a command binds its options to, and checks before it runs.</summary>
internal interface ICommandSettings
{
    /// <summary>What is wrong with the settings, as one sentence naming the option to change; null when they are valid.</summary>
    string? Validate();
}

/// <summary>
/// One command of the tool for System.CommandLine: its options and arguments, each declared with the settings
/// property it sets, so a run binds a <typeparamref name="TSettings"/> in code. Spectre.Console.Cli, used before,
/// modelled the command by reflection over its settings' attributes before it parsed anything; a features process
/// over one file now takes 23-26 ms less CPU, a sixth of it (benchmarks/README.md, session 20). An option that is
/// not given leaves the property's initial value, which the description states. Settings that fail
/// <see cref="ICommandSettings.Validate"/> end the command with one error line.
/// </summary>
/// <typeparam name="TSettings">The command's settings.</typeparam>
internal sealed class CommandDefinition<TSettings>
    where TSettings : ICommandSettings, new()
{
    private readonly List<Action<ParseResult, TSettings>> _binders = [];
    private Argument<string[]>? _inputs;

    /// <summary>A command named <paramref name="name"/>.</summary>
    public CommandDefinition(string name, string description) => Command = new Command(name, description);

    /// <summary>The System.CommandLine command.</summary>
    public Command Command { get; }

    /// <summary>
    /// An option with a value. <paramref name="names"/> is the aliases and the name, '|'-separated, the name last
    /// (<c>"-f|--format"</c>); <paramref name="valueName"/> is what help shows for the value (<c>FORMAT</c>).
    /// </summary>
    public CommandDefinition<TSettings> Option<T>(string names, string valueName, string description, Action<TSettings, T> set)
    {
        var option = NewOption<T>(names, description);
        option.HelpName = valueName;
        return Add(option, set);
    }

    /// <summary>An on/off switch: given alone it is on (<c>--strict</c>).</summary>
    public CommandDefinition<TSettings> Flag(string names, string description, Action<TSettings, bool> set)
    {
        var option = NewOption<bool>(names, description);
        option.Arity = ArgumentArity.Zero;
        return Add(option, set);
    }

    /// <summary>
    /// The command's inputs: any number of values before, between or after the options. A value that starts with '-'
    /// is an option this command does not have, and an error (as it would be without the inputs), unless it follows
    /// <c>--</c>, which makes everything after it an input.
    /// </summary>
    public CommandDefinition<TSettings> Inputs(string name, string description, Action<TSettings, string[]> set)
    {
        var argument = new Argument<string[]>(name) { Description = description, Arity = ArgumentArity.ZeroOrMore };
        Command.Arguments.Add(argument);
        _inputs = argument;
        _binders.Add((parse, settings) => set(settings, parse.GetValue(argument) ?? []));
        return this;
    }

    /// <summary>One optional value (<c>info [model]</c>).</summary>
    public CommandDefinition<TSettings> OptionalArgument(string name, string description, Action<TSettings, string?> set)
    {
        var argument = new Argument<string?>(name) { Description = description, Arity = ArgumentArity.ZeroOrOne };
        Command.Arguments.Add(argument);
        _binders.Add((parse, settings) => set(settings, parse.GetValue(argument)));
        return this;
    }

    /// <summary>What the command does with valid settings; it returns the process' exit code.</summary>
    public Command Runs(Func<TSettings, CancellationToken, Task<int>> run)
    {
        Command.SetAction((parse, cancellationToken) =>
        {
            var settings = new TSettings();
            foreach (var bind in _binders)
            {
                bind(parse, settings);
            }

            if ((UnknownOptionAmongInputs(parse) ?? settings.Validate()) is { } error)
            {
                ConsoleOutput.Errors.MarkupLineInterpolated($"[red]error:[/] {error}");
                return Task.FromResult(CommandExit.InvalidSettings);
            }

            return run(settings, cancellationToken);
        });
        return Command;
    }

    /// <summary>What the command does with valid settings, synchronously.</summary>
    public Command Runs(Func<TSettings, CancellationToken, int> run) => Runs((settings, cancellationToken) => Task.FromResult(run(settings, cancellationToken)));

    /// <summary>An input that looks like an option and does not follow <c>--</c>: the error that names it.</summary>
    private string? UnknownOptionAmongInputs(ParseResult parse)
    {
        if (_inputs is null || parse.GetResult(_inputs) is not { } inputs)
        {
            return null;
        }

        int doubleDash = parse.Tokens.Count;
        for (int i = 0; i < parse.Tokens.Count; i++)
        {
            if (parse.Tokens[i].Type == TokenType.DoubleDash)
            {
                doubleDash = i;
                break;
            }
        }

        foreach (var token in inputs.Tokens)
        {
            if (token.Value.Length > 1 && token.Value[0] == '-' && !IsAfter(parse.Tokens, doubleDash, token))
            {
                return $"Unknown option '{token.Value}' (see {Command.Name} --help; for a file whose name starts with '-', write ./{token.Value} or put it after --).";
            }
        }

        return null;
    }

    private static bool IsAfter(IReadOnlyList<Token> tokens, int start, Token token)
    {
        for (int i = start + 1; i < tokens.Count; i++)
        {
            if (ReferenceEquals(tokens[i], token))
            {
                return true;
            }
        }

        return false;
    }

    private static Option<T> NewOption<T>(string names, string description)
    {
        var all = names.Split('|');
        return new Option<T>(all[^1], all[..^1]) { Description = description };
    }

    private CommandDefinition<TSettings> Add<T>(Option<T> option, Action<TSettings, T> set)
    {
        Command.Options.Add(option);
        _binders.Add((parse, settings) =>
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                set(settings, parse.GetValue(option)!);
            }
        });
        return this;
    }
}

/// <summary>The tool's exit codes that are not a command's own.</summary>
internal static class CommandExit
{
    /// <summary>A setting failed validation (the value Spectre.Console.Cli's runs returned, kept for scripts).</summary>
    public const int InvalidSettings = -1;

    /// <summary>The command line could not be parsed.</summary>
    public const int ParseError = 1;

    /// <summary>Ctrl+C: the command stopped with nothing half-written.</summary>
    public const int Cancelled = 130;

    /// <summary>An unexpected failure (the exception is printed).</summary>
    public const int Failed = -1;
}
