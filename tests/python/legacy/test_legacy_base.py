"""routing.Base (the older generation) from Juniper's own stubs: purge time, route
summaries, and purge and rebind of a legacy client's routes through legacy calls only."""

from __future__ import annotations

import time

from juniper_legacy import LegacyClient  # noqa: F401  (fixtures in conftest)

CLIENT = "py-legacy-base"


def test_purge_time_config_get_and_unconfig(fresh_jetd, legacy):
    app = legacy(fresh_jetd, CLIENT)
    assert app("PurgeTimeGet") == {"ret": "RET_SUCCESS", "time": 120}
    assert app("PurgeTimeConfig", time=30) == {"ret": "RET_SUCCESS"}
    assert app("PurgeTimeGet")["time"] == 30
    assert app("PurgeTimeConfig", time=0) == {"ret": "RET_INVALID_PARAMS"}
    assert app("PurgeTimeConfig", time=1001) == {"ret": "RET_INVALID_PARAMS"}
    assert app("PurgeTimeUnconfig") == {"ret": "RET_SUCCESS"}
    assert app("PurgeTimeGet")["time"] == 120


def test_route_summary_counts_the_clients_routes_per_table(fresh_jetd, legacy):
    app = legacy(fresh_jetd, CLIENT)
    other = legacy(fresh_jetd, "py-legacy-other")
    routes = [{"prefix": f"10.50.{i}.0/24"} for i in range(3)]
    assert app("RouteAdd", routes=routes)["status"] == "SUCCESS"
    assert other("RouteAdd", routes=[{"prefix": "10.51.0.0/24"}])["status"] == "SUCCESS"
    s = app("Summary")
    assert s["ret"] == "RET_SUCCESS"
    assert s["summary"][f"{CLIENT}/Static/inet.0"] == 3
    assert s["summary"]["py-legacy-other/Static/inet.0"] == 1
    assert app("Summary", family="FAMILY_INET6")["summary"].get(f"{CLIENT}/Static/inet.0") is None
    mine = app("Summary", all=False)["summary"]
    assert list(mine) == [f"{CLIENT}/Static/inet.0"]


def test_routes_survive_a_reconnect_within_the_purge_time_and_are_purged_after_it(fresh_jetd, legacy):
    app = legacy(fresh_jetd, CLIENT)
    watcher = legacy(fresh_jetd, "py-legacy-watcher")
    assert app("PurgeTimeConfig", time=2) == {"ret": "RET_SUCCESS"}
    assert app("RouteAdd", routes=[{"prefix": "10.60.0.0/24"}])["status"] == "SUCCESS"

    def visible():
        got = watcher("RouteGet", prefix="10.60.0.0/24", match="EXACT")
        return [r["prefix"] for r in got["routes"]] == ["10.60.0.0/24"]

    # Gone for 1 s (less than 2): the first legacy call after the new login rebinds.
    app("close")
    time.sleep(1.0)
    assert visible(), "kept during the purge time"
    assert app("login") == {"result": True}
    got = app("RouteGet", prefix="10.60.0.0/24", match="EXACT")
    assert [r["prefix"] for r in got["routes"]] == ["10.60.0.0/24"]
    time.sleep(2.5)
    assert visible(), "rebound: no purge while the client is back"
    r = app("RouteModify", routes=[{"prefix": "10.60.0.0/24", "gw": "192.0.2.3"}])
    assert r["status"] == "SUCCESS", "the client owns its route again"

    # Gone for longer than the purge time: purged.
    app("close")
    deadline = time.time() + 15
    while visible() and time.time() < deadline:
        time.sleep(0.25)
    assert not visible(), "purged after the purge time"
