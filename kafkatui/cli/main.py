"""`kafkatui` command line: global options, subcommands, and one place that maps errors
to exit codes (docs/cli.md).

Exit codes: 0 ok; 1 findings (`check`) or an error that is none of the below; 2 usage
error; 3 cannot connect, authentication failed or timed out; 4 refused (active group,
read-only). Errors print one line on stderr, never a traceback (set KAFKATUI_DEBUG=1 to
see one for an unexpected error).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kafkatui import __version__
from kafkatui.cluster.errors import KafkaTuiError, UsageError
from kafkatui.cluster.guard import is_secret_name

if TYPE_CHECKING:
    from kafkatui.cluster.api import RecordDecoder
    from kafkatui.cluster.client import ClusterClient
    from kafkatui.cluster.schema_ids import SchemaIdLookup
    from kafkatui.cluster.settings import ConnectionSettings
    from kafkatui.config import LoadedConfig

#: subcommands written against CliContext: module name -> run(args, ctx)
_OWN_COMMANDS = (
    "tail_cmd", "groups_cmd", "reset_cmd", "check_cmd", "topics_cmd", "brokers_cmd",
    "transactions_cmd", "dlq_cmd", "redrive_cmd", "copy_cmd", "find_cmd",
)  # fmt: skip
#: subcommands with their own setup: module name -> run(args)
_SELF_CONTAINED_COMMANDS = ("sandbox_cmd",)
#: command name -> its module. A command named on the command line builds only its own
#: parser: importing every command's module (and the clients they import) took about a
#: third of a short tail's start-up.
COMMAND_MODULES = {
    "tail": "tail_cmd", "groups": "groups_cmd", "reset-offsets": "reset_cmd",
    "check": "check_cmd", "topics": "topics_cmd", "brokers": "brokers_cmd",
    "transactions": "transactions_cmd", "dlq": "dlq_cmd", "redrive": "redrive_cmd",
    "copy": "copy_cmd", "find": "find_cmd", "sandbox": "sandbox_cmd", "demo": "demo_cmd",
}  # fmt: skip


# ---- global options --------------------------------------------------------------------
# (flags, dest, argparse keywords). Accepted before and after the subcommand: the copy on
# each subparser writes to "sub_" + dest, and `_merge_globals` combines the two.
_GLOBALS: tuple[tuple[tuple[str, ...], str, dict[str, Any]], ...] = (
    (
        ("-b", "--bootstrap-server"),
        "bootstrap_server",
        {"metavar": "HOST:PORT[,...]", "help": "Kafka bootstrap servers"},
    ),
    (
        ("--schema-registry",),
        "schema_registry",
        {"metavar": "URL", "help": "schema registry URL (Confluent-compatible API)"},
    ),
    (
        ("--connect",),
        "connect",
        {
            "action": "append",
            "metavar": "[NAME=]URL",
            "help": "a Kafka Connect cluster (repeatable)",
        },
    ),
    (
        ("--profile",),
        "profile",
        {"metavar": "NAME", "help": "config profile (env KAFKATUI_PROFILE)"},
    ),
    (("--config",), "config", {"metavar": "PATH", "help": "config file (env KAFKATUI_CONFIG)"}),
    (
        ("-X", "--property"),
        "property",
        {
            "action": "append",
            "metavar": "KEY=VALUE",
            "help": "librdkafka property, as in kcat (repeatable)",
        },
    ),
    (
        ("--read-only",),
        "read_only",
        {"action": "store_true", "help": "refuse every change to the cluster"},
    ),
    (("--theme",), "theme", {"metavar": "NAME", "help": "TUI theme"}),
)


def add_global_options(parser: argparse.ArgumentParser, *, on_subcommand: bool) -> None:
    group = parser.add_argument_group("global options")
    for flags, dest, kwargs in _GLOBALS:
        group.add_argument(
            *flags,
            dest=("sub_" + dest) if on_subcommand else dest,
            default=argparse.SUPPRESS,
            **kwargs,
        )


def _merge_globals(args: argparse.Namespace) -> None:
    """One value per global option, whether given before or after the subcommand."""
    for _flags, dest, kwargs in _GLOBALS:
        before = getattr(args, dest, None)
        after = getattr(args, "sub_" + dest, None)
        if kwargs.get("action") == "append":
            value: Any = [*(before or []), *(after or [])]
        elif kwargs.get("action") == "store_true":
            value = bool(before or after)
        else:
            value = after if after is not None else before
        setattr(args, dest, value)
        if hasattr(args, "sub_" + dest):
            delattr(args, "sub_" + dest)


# ---- what commands get ---------------------------------------------------------------
class CliContext:
    """Config, settings and the client, loaded on first use and shared by a command."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._loaded: LoadedConfig | None = None
        self._client: ClusterClient | None = None
        self._decoder: tuple[RecordDecoder, SchemaIdLookup | None] | None = None

    @property
    def config(self) -> LoadedConfig:
        if self._loaded is None:
            from kafkatui.config import Overrides, load_settings

            args = self.args
            overrides = Overrides(
                bootstrap_servers=args.bootstrap_server,
                schema_registry=args.schema_registry,
                connect=tuple(args.connect),
                properties=tuple(args.property),
                read_only=True if args.read_only else None,
                theme=args.theme,
            )
            self._loaded = load_settings(args.config, args.profile, overrides)
            for warning in self._loaded.warnings:
                print(f"warning: {warning}", file=sys.stderr)
        return self._loaded

    @property
    def settings(self) -> ConnectionSettings:
        return self.config.settings

    @property
    def client(self) -> ClusterClient:
        if self._client is None:
            from kafkatui.cluster.client import ClusterClient

            self._client = ClusterClient(self.settings)
        return self._client

    def connected_client(self) -> ClusterClient:
        """The client, after one metadata request proved the cluster answers (else exit 3).

        Listing calls can come back empty from a cluster that never answered; this makes
        "cannot connect" one clear error for every command.
        """
        client = self.client
        client.admin.metadata()
        return client

    def decoder(self) -> RecordDecoder:
        """The client's decoder, or while there is no client (a tail needs nothing else of
        it) one of its own: building the client imports the models of every area."""
        if self._client is not None:
            return self._client.decoder()
        if self._decoder is None:
            from kafkatui.decode.auto import AutoDecoder

            endpoint = self.settings.schema_registry
            lookup = None
            if endpoint is not None:
                from kafkatui.cluster.schema_ids import SchemaIdLookup

                lookup = SchemaIdLookup(endpoint)
            self._decoder = (AutoDecoder(lookup), lookup)
        return self._decoder[0]

    def scrub(self, text: str) -> str:
        """Remove every configured secret from a message before it is printed."""
        if self._loaded is None:
            return text
        settings = self._loaded.settings
        secrets = [v for k, v in settings.kafka.items() if is_secret_name(k) and v]
        for endpoint in (settings.schema_registry, *settings.connect):
            if endpoint is not None:
                secrets += [s for s in (endpoint.password, endpoint.bearer_token) if s]
        for secret in secrets:
            text = text.replace(secret, "******")
        return text

    def use_profile(self, profile: str) -> None:
        """Switch to another profile: config and client are loaded again on next use."""
        self.close()
        self.args.profile = profile
        self._loaded = None
        self._client = None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._decoder is not None and self._decoder[1] is not None:
            self._decoder[1].close()


# ---- parser --------------------------------------------------------------------------
def _optional_module(name: str) -> ModuleType | None:
    """A command module that may not be part of this build."""
    try:
        return importlib.import_module(f"kafkatui.cli.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"kafkatui.cli.{name}":
            raise
        return None


def named_command(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` names, when the global options before it leave no doubt;
    None otherwise (no command, --help, an abbreviated or unknown option before it)."""
    flags = {f: kw.get("action") != "store_true" for names, _d, kw in _GLOBALS for f in names}
    with_value = {f for f, takes_value in flags.items() if takes_value}
    position = 0
    while position < len(argv):
        token = argv[position]
        if token in with_value:
            position += 2
        elif token in flags or (token.startswith("--") and token.split("=")[0] in with_value):
            position += 1
        else:
            return token if token in COMMAND_MODULES else None
    return None


def build_parser(
    only: str | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, Callable[..., int]]]:
    """The parser and, per subcommand name, the function that runs it; with `only` (a
    command name), the parser knows just that command."""
    wanted = COMMAND_MODULES.get(only) if only else None
    parser = argparse.ArgumentParser(
        prog="kafkatui",
        description="A keyboard-driven terminal UI and headless CLI for Kafka operators. "
        "Without a subcommand, opens the TUI.",
    )
    parser.add_argument("--version", action="version", version=f"kafkatui {__version__}")
    add_global_options(parser, on_subcommand=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    runners: dict[str, Callable[..., int]] = {}
    for name in _OWN_COMMANDS:
        if wanted not in (None, name):
            continue
        module = importlib.import_module(f"kafkatui.cli.{name}")
        sub = module.add_parser(subparsers)
        add_global_options(sub, on_subcommand=True)
        runners[sub.prog.split()[-1]] = module.run
    for name in _SELF_CONTAINED_COMMANDS:
        if wanted not in (None, name):
            continue
        optional = _optional_module(name)
        if optional is None:
            continue
        sub = optional.add_parser(subparsers)
        add_global_options(sub, on_subcommand=True)
        runners[sub.prog.split()[-1]] = _self_contained(optional.run)
    demo = _optional_module("demo_cmd") if wanted in (None, "demo_cmd") else None
    if demo is not None:
        sub = demo.add_parser(subparsers)
        add_global_options(sub, on_subcommand=True)
        runners[sub.prog.split()[-1]] = _demo(demo.run)
    return parser, runners


def _self_contained(run: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    def call(args: argparse.Namespace, ctx: CliContext) -> int:
        return run(args)

    return call


def _demo(run: Callable[[argparse.Namespace, Callable[[str], int]], int]) -> Callable[..., int]:
    """`demo` prepares the sandbox, then asks for the TUI on a profile (with the other
    global options, such as --read-only and --theme, still applied)."""

    def call(args: argparse.Namespace, ctx: CliContext) -> int:
        def open_tui(profile: str) -> int:
            ctx.use_profile(profile)
            return run_tui(ctx.client, ctx.config)

        return run(args, open_tui)

    return call


def parse_args(
    argv: Sequence[str] | None,
) -> tuple[argparse.Namespace, Callable[..., int] | None]:
    """Parsed options (globals merged) and the runner of the chosen subcommand (or None)."""
    words = list(sys.argv[1:] if argv is None else argv)
    named = named_command(words)
    parser, runners = build_parser(named)
    if named and not runners:  # not part of this build: the full parser says what is
        parser, runners = build_parser()
    args = parser.parse_args(words)
    _merge_globals(args)
    return args, runners.get(args.command) if args.command else None


# ---- running ---------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    if list(sys.argv[1:] if argv is None else argv) == ["--version"]:
        print(f"kafkatui {__version__}")  # without building the parser: it imports every command
        return 0
    try:
        args, runner = parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version, usage errors (2)
        return exc.code if isinstance(exc.code, int) else 2
    ctx = CliContext(args)
    try:
        if runner is None:
            return run_tui(ctx.client, ctx.config)
        return runner(args, ctx)
    except KafkaTuiError as exc:
        _fail(ctx.scrub(str(exc)))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        silence_stdout()
        return 0
    except Exception as exc:
        if os.environ.get("KAFKATUI_DEBUG") == "1":
            traceback.print_exc()
        _fail(ctx.scrub(f"internal error: {type(exc).__name__}: {exc}"), prefix="")
        return 1
    finally:
        try:
            ctx.close()
        except Exception:  # closing is best effort: the result is already decided
            if os.environ.get("KAFKATUI_DEBUG") == "1":
                traceback.print_exc()


def run_tui(client: ClusterClient, config: LoadedConfig) -> int:
    """Open the TUI on `client` (the UI package is imported only now: the CLI stays fast)."""
    try:
        importlib.import_module("textual")
        ui = importlib.import_module("kafkatui.ui")
    except ModuleNotFoundError as exc:
        if exc.name not in ("kafkatui.ui", "textual"):
            raise
        raise UsageError(
            "the TUI is not available in this installation; use a subcommand (kafkatui --help)"
        ) from None
    result: int = ui.run(client, config)
    return result


def _fail(message: str, prefix: str = "error: ") -> None:
    line = " ".join(message.split())  # always one line
    print(f"{prefix}{line}", file=sys.stderr)


def silence_stdout() -> None:
    """After a broken pipe (`| head`): point stdout at /dev/null so exiting stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
