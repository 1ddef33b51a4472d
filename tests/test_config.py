from portal import create_app
from portal.config import SETTINGS, resolve_settings


def test_defaults_then_environment_then_explicit_config():
    assert resolve_settings(environ={})["BUILD_DIR"] == "build"
    env = {"PORTAL_BUILD_DIR": "/srv/build", "PORTAL_SQL_TIME_LIMIT_MS": "500"}
    settings = resolve_settings(environ=env)
    assert settings["BUILD_DIR"] == "/srv/build" and settings["SQL_TIME_LIMIT_MS"] == 500
    assert resolve_settings({"BUILD_DIR": "/tmp/x"}, environ=env)["BUILD_DIR"] == "/tmp/x"


def test_every_setting_has_a_default_and_help():
    assert all(setting.help and setting.default is not None for setting in SETTINGS)


def test_create_app_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_BUILD_DIR", str(tmp_path))
    app = create_app()
    assert app.config["BUILD_DIR"] == str(tmp_path)
    assert app.extensions["release_store"].build_dir == tmp_path
