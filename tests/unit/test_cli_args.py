"""Command-line parsing and the exit-code contract (SPEC §2), without a cluster."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kafkatui.cli import main as cli
from kafkatui.cli import tail_cmd
from kafkatui.cli.reset_cmd import parse_topic, spec_of
from kafkatui.cli.tail_cmd import parse_from
from kafkatui.cluster.api import TailStart
from kafkatui.cluster.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    InvalidInput,
    NotFound,
    ReadOnlyError,
    Refused,
    TimedOut,
)
from kafkatui.cluster.models import ResetMode


# ---- global options ----------------------------------------------------------------
def test_every_command_is_found_under_its_name() -> None:
    """The name -> module table behind the one-command parser matches the commands."""
    _parser, runners = cli.build_parser()
    assert sorted(runners) == sorted(cli.COMMAND_MODULES)
    for name in cli.COMMAND_MODULES:
        _parser, runners = cli.build_parser(name)
        assert list(runners) == [name]


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["tail", "t"], "tail"),
        (["-b", "k:9092", "--read-only", "-X", "a=b", "tail", "t"], "tail"),
        (["--bootstrap-server=k:9092", "reset-offsets", "g"], "reset-offsets"),
        (["--profile", "tail", "groups"], "groups"),  # an option's value is not the command
        (["--connect", "c=http://x", "check"], "check"),
        (["--prof", "tail", "groups"], None),  # abbreviated: argparse decides
        (["-bk:9092", "tail", "t"], None),
        (["--help"], None),
        ([], None),
        (["-b"], None),
        (["nonsense", "tail"], None),
    ],
)
def test_the_named_command_is_found_only_when_certain(
    argv: list[str], command: str | None
) -> None:
    assert cli.named_command(argv) == command


def test_the_one_command_parser_reads_what_the_full_one_reads() -> None:
    argv = ["-b", "k1:9092", "tail", "t", "--until-end", "--value-format", "hex"]
    full = cli.build_parser()[0].parse_args(argv)
    cli._merge_globals(full)
    assert cli.parse_args(argv)[0] == full
    assert full.value_format == "hex"


def test_global_options_are_accepted_before_and_after_the_subcommand() -> None:
    before, _ = cli.parse_args(["-b", "k1:9092", "--read-only", "groups", "--json"])
    after, _ = cli.parse_args(["groups", "--json", "-b", "k1:9092", "--read-only"])
    for args in (before, after):
        assert args.bootstrap_server == "k1:9092"
        assert args.read_only is True
        assert args.json is True
        assert args.command == "groups"


def test_repeatable_options_collect_from_both_sides() -> None:
    args, _ = cli.parse_args(
        ["-X", "a=1", "--connect", "main=http://c:8083", "tail", "t", "-X", "b=2",
         "--connect", "http://d:8083"]
    )
    assert args.property == ["a=1", "b=2"]
    assert args.connect == ["main=http://c:8083", "http://d:8083"]


def test_an_option_given_after_the_subcommand_wins() -> None:
    args, _ = cli.parse_args(["--profile", "a", "check", "--profile", "b"])
    assert args.profile == "b"


def test_defaults_when_no_global_option_is_given() -> None:
    args, runner = cli.parse_args(["check"])
    assert args.bootstrap_server is None
    assert args.property == []
    assert args.connect == []
    assert args.read_only is False
    assert runner is not None


def test_no_subcommand_means_the_tui() -> None:
    args, runner = cli.parse_args(["--profile", "prod"])
    assert args.command is None
    assert runner is None


def test_tail_options() -> None:
    args, _ = cli.parse_args(
        ["tail", "orders", "--partition", "1", "--partition", "3", "--from", "-5", "--max", "10",
         "--format", "text", "--filter", "abc", "--value-format", "hex", "--key-format", "text"]
    )
    assert args.topic == "orders"
    assert args.partition == [1, 3]
    assert args.start == "-5"
    assert args.max == 10
    assert (args.format, args.filter, args.value_format, args.key_format) == (
        "text", "abc", "hex", "text"
    )


def test_reset_needs_exactly_one_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["reset-offsets", "g", "--topic", "t"]) == 2
    assert cli.main(["reset-offsets", "g", "--topic", "t", "--to-earliest", "--to-latest"]) == 2
    args, _ = cli.parse_args(["reset-offsets", "g", "--topic", "t:1,2", "--shift-by", "-3"])
    assert spec_of(args).mode is ResetMode.SHIFT
    assert spec_of(args).value == -3
    assert "usage:" in capsys.readouterr().err


# ---- values --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("earliest", TailStart("earliest")),
        ("beginning", TailStart("earliest")),
        ("latest", TailStart("latest")),
        ("end", TailStart("latest")),
        ("42", TailStart("offset", 42)),
        ("0", TailStart("offset", 0)),
        ("-10", TailStart("last", 10)),
        ("-0", TailStart("last", 0)),
    ],
)
def test_from_words_offsets_and_last_n(text: str, expected: TailStart) -> None:
    assert parse_from(text, None, follow=True) == expected


def test_from_a_time_is_utc_unless_it_says_otherwise() -> None:
    want = int(datetime(2026, 11, 28, 7, 5, 35, 123000, tzinfo=UTC).timestamp() * 1000)
    assert parse_from("2026-11-28T07:05:35.123Z", None, follow=True) == TailStart(
        "timestamp", want
    )
    assert parse_from("2026-11-28T07:05:35.123", None, follow=True).value == want
    assert parse_from("2026-11-28T08:05:35.123+01:00", None, follow=True).value == want
    midnight = int(datetime(2026, 11, 28, tzinfo=UTC).timestamp() * 1000)
    assert parse_from("2026-11-28", None, follow=True).value == midnight


def test_from_default_depends_on_following_and_partitions_are_kept_sorted() -> None:
    assert parse_from(None, None, follow=True) == TailStart("latest")
    assert parse_from(None, [3, 1, 3], follow=False) == TailStart("earliest", None, (1, 3))


def test_from_garbage_is_a_usage_error() -> None:
    with pytest.raises(InvalidInput, match="--from"):
        parse_from("yesterday-ish", None, follow=True)


def test_reset_topic_with_and_without_partitions() -> None:
    assert parse_topic("orders") == ("orders", None)
    assert parse_topic("orders:2,0,2") == ("orders", [0, 2])
    for bad in (":1", "orders:", "orders:a", "orders:-1"):
        with pytest.raises(InvalidInput):
            parse_topic(bad)


# ---- exit codes ------------------------------------------------------------------------
def test_version_and_help_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert "kafkatui" in capsys.readouterr().out
    assert cli.main(["tail", "--help"]) == 0
    assert "--until-end" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["no-such-command"]) == 2
    assert cli.main(["tail"]) == 2  # TOPIC missing
    assert cli.main(["tail", "t", "--max", "-1"]) == 2
    assert cli.main(["-b", "127.0.0.1:1", "tail", "t", "--from", "soon"]) == 2
    err = capsys.readouterr().err
    assert "error: --from 'soon'" in err
    assert "Traceback" not in err


def test_a_missing_config_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--config", "/nonexistent/kafkatui.toml", "check"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "does not exist" in err


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ConnectionFailed("cannot connect to Kafka at k:9092: refused"), 3),
        (AuthenticationFailed("authentication failed at k:9092"), 3),
        (TimedOut("no answer"), 3),
        (Refused("group 'g' has 1 active member(s)"), 4),
        (ReadOnlyError("group.reset_offsets"), 4),
        (NotFound("topic 't' does not exist"), 1),
        (InvalidInput("bad"), 2),
    ],
)
def test_errors_map_to_their_exit_code_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: Exception,
    code: int,
) -> None:
    def fail(args: argparse.Namespace, ctx: cli.CliContext) -> int:
        raise error

    monkeypatch.setattr(tail_cmd, "run", fail)
    assert cli.main(["tail", "t"]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert str(error) in err


def test_an_unexpected_error_is_one_line_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(args: argparse.Namespace, ctx: cli.CliContext) -> int:
        raise RuntimeError("something\nbroke")

    monkeypatch.delenv("KAFKATUI_DEBUG", raising=False)
    monkeypatch.setattr(tail_cmd, "run", boom)
    assert cli.main(["tail", "t"]) == 1
    err = capsys.readouterr().err
    assert err == "internal error: RuntimeError: something broke\n"


def test_secrets_are_scrubbed_from_error_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def leak(args: argparse.Namespace, ctx: cli.CliContext) -> int:
        ctx.config  # load settings so the context knows the secrets  # noqa: B018
        raise ConnectionFailed("server said hunter2 is wrong")

    monkeypatch.setattr(tail_cmd, "run", leak)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent")
    monkeypatch.delenv("KAFKATUI_CONFIG", raising=False)
    monkeypatch.delenv("KAFKATUI_PROFILE", raising=False)
    assert cli.main(["-X", "sasl.password=hunter2", "tail", "t"]) == 3
    err = capsys.readouterr().err
    assert "hunter2" not in err
    assert "******" in err


# ---- configuration reaches the commands ----------------------------------------------
def _capture_tui(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def fake_tui(client: Any, config: Any) -> int:
        seen.update(client=client, config=config)
        return 0

    monkeypatch.setattr(cli, "run_tui", fake_tui)
    return seen


def test_config_and_profile_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[profiles.a]\nbootstrap_servers = "a:9092"\n[profiles.b]\nbootstrap_servers = "b:9092"\n'
    )
    config.chmod(0o600)
    monkeypatch.setenv("KAFKATUI_CONFIG", str(config))
    monkeypatch.setenv("KAFKATUI_PROFILE", "b")
    seen = _capture_tui(monkeypatch)
    assert cli.main([]) == 0
    assert seen["client"].bootstrap_servers == "b:9092"
    assert cli.main(["--profile", "a", "--read-only"]) == 0
    assert seen["client"].bootstrap_servers == "a:9092"
    assert seen["client"].read_only is True
    seen["client"].close()


def test_an_unknown_profile_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("KAFKATUI_CONFIG", raising=False)
    monkeypatch.setenv("KAFKATUI_PROFILE", "nope")
    _capture_tui(monkeypatch)
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "unknown profile 'nope'" in err
    assert err.count("\n") == 1


def test_config_warnings_go_to_stderr_without_the_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'default_profile = "p"\n[profiles.p]\nbootstrap_servers = "p:9092"\n'
        '[profiles.p.kafka]\n"sasl.password" = "s3cret-value"\n'
    )
    config.chmod(0o644)
    monkeypatch.delenv("KAFKATUI_PROFILE", raising=False)
    seen = _capture_tui(monkeypatch)
    assert cli.main(["--config", str(config)]) == 0
    seen["client"].close()
    captured = capsys.readouterr()
    assert captured.err.startswith("warning: ")
    assert "s3cret-value" not in captured.err + captured.out


def test_kafkatui_debug_shows_the_traceback_of_an_unexpected_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(args: argparse.Namespace, ctx: cli.CliContext) -> int:
        raise RuntimeError("kaput")

    monkeypatch.setenv("KAFKATUI_DEBUG", "1")
    monkeypatch.setattr(tail_cmd, "run", boom)
    assert cli.main(["tail", "t"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert err.endswith("internal error: RuntimeError: kaput\n")
