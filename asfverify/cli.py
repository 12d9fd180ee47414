"""The asfverify command line. Subcommands load lazily so `--help` and `verify` start fast."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from . import __version__
from .errors import EXIT_OK, AsfError, exit_status

# name -> "module:attribute"; each lives in asfverify/commands/.
COMMANDS = {
    "init": "asfverify.commands.core:init",
    "example": "asfverify.commands.example:example",
    "run": "asfverify.commands.core:run",
    "plugins": "asfverify.commands.core:plugins",
    "criteria": "asfverify.commands.core:criteria",
    "review": "asfverify.commands.review:review",
    "status": "asfverify.commands.review:status",
    "runs": "asfverify.commands.review:runs",
    "explain": "asfverify.commands.review:explain",
    "report": "asfverify.commands.report:report",
    "certify": "asfverify.commands.certs:certify",
    "verify": "asfverify.commands.certs:verify",
    "revoke": "asfverify.commands.certs:revoke",
    "status-list": "asfverify.commands.certs:status_list",
    "ledger": "asfverify.commands.ledger:ledger",
    "publish": "asfverify.commands.publish:publish",
    "suspend": "asfverify.commands.publish:suspend",
    "reinstate": "asfverify.commands.publish:reinstate",
    "monitor": "asfverify.commands.monitor:monitor",
    "keys": "asfverify.commands.keys:keys",
    "issuer": "asfverify.commands.issuer:issuer",
    "trust-list": "asfverify.commands.trustlist:trust_list",
    "doctor": "asfverify.commands.doctor:doctor",
    "agreements": "asfverify.commands.agreements:agreements",
    "plugin": "asfverify.commands.plugin:plugin",
    "witness": "asfverify.commands.witness:witness",
}

HELP_LINES = {
    "init": "Create a workspace: asfverify.toml, keys/, ledger.db, plugins/.",
    "example": "Copy the bundled example application package into a folder.",
    "run": "Verify application packages and record everything in the ledger.",
    "plugins": "List installed verifiers: name, version, requirements, source.",
    "criteria": "Show the criteria set and requirements no verifier covers.",
    "review": "Record a certifier's decision on one requirement of a run.",
    "status": "Show a run with its reviews applied.",
    "runs": "List recorded runs.",
    "explain": "Show every rule tried for one requirement of a run.",
    "report": "Write the HTML evidence report of a run.",
    "certify": "Issue a signed certificate for a certifiable run.",
    "verify": "Verify a certificate offline.",
    "revoke": "Revoke a certificate.",
    "status-list": "Write the signed revocation status list.",
    "ledger": "Verify, list, prove and checkpoint the ledger.",
    "publish": "Write the public site: register tiles, checkpoints, status lists.",
    "suspend": "Suspend a certificate (until reinstated).",
    "reinstate": "Lift a certificate's suspension.",
    "monitor": "Check a published site as a third party and list what is new.",
    "keys": "Show or rotate the workspace signing key.",
    "issuer": "Write the certifier's issuer.json (for the trust list).",
    "trust-list": "The scheme owner's signed list of accredited certifiers.",
    "doctor": "Check the certifier's setup as a buyer's verifier sees it.",
    "agreements": "The collective-agreement registry.",
    "plugin": "Create a new verifier plugin from a template.",
    "witness": "Run a transparency-log witness that cosigns checkpoints.",
}


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (an in-process test runner)
        pass


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when used."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        # Every channel (stdout, stderr, plugin commands' output) passes the personal-number scrubber.
        from .scrubio import scrubbed_output

        with scrubbed_output():
            return self._main(args, prog_name, complete_var, standalone_mode, **extra)

    def _main(self, args: Any, prog_name: str | None, complete_var: str | None,
              standalone_mode: bool, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        # Standalone: usage errors become one line too (click prints usage, hint and error on three).
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()  # a reader that went away shows here when the output was buffered
        except BrokenPipeError:
            # `asfverify ledger show | head -1`: the reader has all it wanted; a normal, quiet end.
            _silence_stdout()
            sys.exit(EXIT_OK)
        except AsfError as exc:  # raised outside a command (while listing plugin commands for --help)
            if exc.diagnostics():
                click.echo(f"{_error_word()} {exc.diagnostics()}", err=True)
            sys.exit(exit_status(exc))
        except click.UsageError as exc:
            from .i18n import _

            hint = " " + _("(see '{command} --help')", command=exc.ctx.command_path) if exc.ctx is not None else ""
            click.echo(f"{_error_word()} {exc.format_message()}{hint}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except (click.Abort, EOFError, KeyboardInterrupt):
            from .i18n import _

            click.echo(_("Aborted."), err=True)
            sys.exit(1)  # click's status for an abort
        sys.exit(rv if isinstance(rv, int) else EXIT_OK)

    _plugin_commands_loaded = False

    def _load_plugin_commands(self, ctx: click.Context) -> None:
        """Let plugins add commands (register_commands hook), once, for the chosen workspace."""
        if self._plugin_commands_loaded:
            return
        self._plugin_commands_loaded = True
        from .commands import optional_workspace
        from .plugins import get_plugin_manager

        # During `-w ws --help` the group's callback has not run yet: the eager --workspace
        # callback has recorded the folder (see _remember_workspace).
        ws = optional_workspace(ctx)
        pm, _infos = get_plugin_manager(ws.plugins_dir if ws else None)
        pm.hook.register_commands(cli=self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands(ctx)
        return sorted(set(COMMANDS) | set(self.commands))

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        # "did you mean": a mistyped command gets the nearest names, as mistyped options already do.
        name = args[0] if args else ""
        if args and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            from .i18n import _

            hint = " " + _("Did you mean {names}?", names=_(" or ").join(repr(c) for c in close)) if close else ""
            raise click.UsageError(_("No such command {name!r}.", name=name) + hint, ctx)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.commands:
            return with_lang_option(self.commands[name])
        target = COMMANDS.get(name)
        if target is None:
            self._load_plugin_commands(ctx)
            found = self.commands.get(name)
            return with_lang_option(found) if found is not None else None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        # HELP_LINES is the one source of each command's short help: `asfverify --help` lists it
        # without importing the command, and the command itself shows the same line.
        if command.short_help is None and name in HELP_LINES:
            command.short_help = HELP_LINES[name]
        self.commands[name] = command
        return with_lang_option(command)

    def invoke(self, ctx: click.Context) -> Any:
        # The one place where an exception becomes a one-line message; errors.exit_status says the status.
        try:
            return super().invoke(ctx)
        except AsfError as exc:
            if (ctx.obj or {}).get("debug") or os.environ.get("ASFVERIFY_DEBUG"):
                raise
            if exc.diagnostics():  # empty: the command's output already shows the outcome
                click.echo(f"{_error_word()} {exc.diagnostics()}", err=True)
            ctx.exit(exit_status(exc))
        except BrokenPipeError:
            # `asfverify ledger show | head -1`: the reader has all it wanted; a normal, quiet end
            # (click itself would exit 1 here).
            _silence_stdout()
            ctx.exit(EXIT_OK)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: still one line unless --debug, with its own exit status
            if (ctx.obj or {}).get("debug") or os.environ.get("ASFVERIFY_DEBUG"):
                raise
            from .database import storage_problem

            problem = storage_problem(exc)  # a full disk or a read-only workspace is no bug
            if problem is not None:
                click.echo(f"{_error_word()} {problem.diagnostics()}", err=True)
                ctx.exit(exit_status(problem))
            from .i18n import _

            click.echo(f"{_error_word()} " + _("internal error: {kind}: {error} (rerun with --debug for details)",
                                                kind=type(exc).__name__, error=exc), err=True)
            ctx.exit(exit_status(exc))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Describe commands without importing them, to keep `--help` fast.
        rows = []
        for name in self.list_commands(ctx):
            help_line = HELP_LINES.get(name)
            if help_line is None and name in self.commands:
                help_line = self.commands[name].get_short_help_str(60)
            rows.append((name, help_line or ""))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


LANG_HELP = "Language of messages: sv (default) or en (env ASFVERIFY_LANG); before or after the command."


def _choose_language(_ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:  # not given here: the group's --lang (or ASFVERIFY_LANG) stays in force
        from .i18n import set_language

        set_language(value)


def with_lang_option(command: click.Command) -> click.Command:
    """Give `command` (and every subcommand of a group) its own --lang, so `asfverify run --lang en …`
    works as well as `asfverify --lang en run …`; the one given last wins.

    Eager, so it takes effect before the command's other options are checked and their errors are
    worded. Added once, when the group hands out the command (built-in, nested or a plugin's)."""
    if not any(param.name == "lang" for param in command.params):
        command.params.append(click.Option(["--lang"], type=click.Choice(["sv", "en"]), expose_value=False,
                                           is_eager=True, callback=_choose_language, help=LANG_HELP))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_lang_option(sub)
    return command


def _error_word() -> str:
    """'Error:', red on a terminal unless NO_COLOR is set."""
    from .console import paint
    from .i18n import _

    return paint(_("Error:"), "fail", err=True)


# Bare `asfverify` prints the help and exits 0 (invoke_without_command), like llm and gh.
@click.group(cls=LazyGroup, invoke_without_command=True, no_args_is_help=False,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="asfverify")
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False),
    envvar="ASFVERIFY_WORKSPACE",
    is_eager=True,  # before --help, so `-w ws --help` lists ws's plugin commands
    callback=lambda ctx, _param, value: _remember_workspace(ctx, value),
    help="Workspace folder (default: the nearest asfverify.toml upwards; env ASFVERIFY_WORKSPACE).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default=None, help=LANG_HELP)
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, debug: bool, lang: str | None) -> None:
    """Verify ASF certification evidence, keep a signed ledger, issue and verify certificates.

    \b
    Example:
        asfverify init my-workspace && cd my-workspace
        asfverify example             # the bundled example: example/vagen-framat, example/registry.csv
        asfverify agreements import example/registry.csv
        asfverify run example/vagen-framat   # or your own folder (or .zip) with application.toml

    \b
    Shell completion (bash; zsh_source in ~/.zshrc, fish_source for fish):
        eval "$(_ASFVERIFY_COMPLETE=bash_source asfverify)"    # in ~/.bashrc
    """
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace
    ctx.obj["debug"] = debug
    from .i18n import set_language

    set_language(lang)  # None: ASFVERIFY_LANG, else Swedish (reset on every invocation, for in-process callers)
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())
        ctx.exit(0)


def main() -> None:
    """Console entry point."""
    cli(prog_name="asfverify")


def _remember_workspace(ctx: click.Context, value: str | None) -> str | None:
    ctx.meta["asfverify.workspace_arg"] = value
    return value


def workspace_from(ctx: click.Context):
    """The workspace chosen by --workspace, ASFVERIFY_WORKSPACE, or found upwards (resolved once).

    Kept for existing callers; new commands use asfverify.commands.pass_workspace.
    """
    from .commands import current_workspace

    return current_workspace(ctx)
