"""Video providers on their own: the signed requests against the documented algorithms (known answers),
the tokens' claims decoded independently, and real HTTP to a local stand-in, outages included."""

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from twinning.meetings import rooms
from twinning.meetings.rooms import Participant, RoomError, RoomRequest
from twinning.meetings.rooms.bigbluebutton import BigBlueButton, checksum
from twinning.meetings.rooms.jitsi import Jitsi, b64url, sign_hs256
from twinning.meetings.tests.fake_video import SECRET, FakeBigBlueButton, closed_port

START = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
ROOM = RoomRequest(
    room_id="4f1c0d2e9a8b7c6d5e4f3a2b1c0d9e8f",
    title="Hello from both classes",
    starts_at=START,
    ends_at=START + timedelta(minutes=45),
    opens_at=START - timedelta(minutes=15),
    record=False,
    return_url="https://twinning.example/twinnings/1/meetings/2/",
)
TEACHER = Participant(id="t-pseudonym", name="Dana Levi", moderator=True)
PUPIL = Participant(id="p-pseudonym", name="Noa", moderator=False)


# --- BigBlueButton: the checksum ------------------------------------------------------------------


def test_bbb_checksum_is_the_documented_example():
    """BigBlueButton API reference, "Usage": the create call, its query and the shared secret of the example."""
    query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    assert checksum("create", query, "639259d4-9dd8-4b25-bf01-95f9567eaf4b") == (
        "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"
    )


def test_bbb_sha256_checksum_is_a_published_example():
    """The same construction with SHA-256, as a hosting provider's API guide spells it out step by step."""
    query = (
        "name=Demo&meetingID=replace-with-meeting-id&attendeePW=replace-with-password&moderatorPW=replace-with-password"
    )
    assert checksum("create", query, "replace-with-secret", "sha1") == "7030bd96ede6a7ac41da848fe3bfc562e52a5914"
    assert checksum("create", query, "replace-with-secret", "sha256") == (
        "7e5a0a48f1542462e56ca034dc83d741bff1deb5feab0cd9ef74fa6e009fe1fd"
    )


def test_an_unknown_checksum_algorithm_is_refused():
    with pytest.raises(RoomError) as refused:
        checksum("create", "meetingID=a", "s", "md5")
    assert refused.value.reason == RoomError.NOT_CONFIGURED


def _split(address: str) -> tuple[str, str, dict[str, str]]:
    parts = urlsplit(address)
    query, _, given = parts.query.rpartition("&checksum=")
    return parts.path.rsplit("/", 1)[-1], query, {**dict(parse_qsl(query)), "checksum": given}


@pytest.mark.parametrize("algorithm", ["sha1", "sha256"])
def test_bbb_signed_calls_verify_as_the_server_checks_them(algorithm):
    bbb = BigBlueButton(url="https://bbb.example.org/bigbluebutton/", secret=SECRET, checksum=algorithm)
    address = bbb.signed("create", bbb.create_params(ROOM))
    assert address.startswith("https://bbb.example.org/bigbluebutton/api/create?")
    call, query, params = _split(address)
    assert params["checksum"] == hashlib.new(algorithm, f"{call}{query}{SECRET}".encode()).hexdigest()


def test_bbb_room_settings_keep_pupils_safe_and_recording_off_by_default():
    params = BigBlueButton(url="https://bbb.example.org/bigbluebutton", secret=SECRET).create_params(ROOM)
    assert params["guestPolicy"] == "ASK_MODERATOR"
    assert params["lockSettingsDisablePrivateChat"] == "true"
    assert params["lockSettingsDisableCam"] == params["lockSettingsDisableMic"] == "true"
    assert params["lockSettingsLockOnJoin"] == params["webcamsOnlyForModerator"] == params["muteOnStart"] == "true"
    assert params["record"] == params["allowStartStopRecording"] == params["autoStartRecording"] == "false"
    recorded = BigBlueButton(url="https://bbb.example.org/bigbluebutton", secret=SECRET).create_params(
        RoomRequest(**{**ROOM.__dict__, "record": True})
    )
    assert recorded["record"] == recorded["allowStartStopRecording"] == "true"
    assert recorded["autoStartRecording"] == "false"


def test_bbb_pupils_join_as_guest_viewers_and_teachers_as_moderators():
    bbb = BigBlueButton(url="https://bbb.example.org/bigbluebutton/api", secret=SECRET)
    now = START
    _call, _query, pupil = _split(bbb.join_url(ROOM, PUPIL, now=now))
    _call, _query, teacher = _split(bbb.join_url(ROOM, TEACHER, now=now))
    assert (pupil["role"], pupil["guest"], pupil["fullName"]) == ("VIEWER", "true", "Noa")
    assert (teacher["role"], teacher.get("guest")) == ("MODERATOR", None)
    assert "MODERATOR" not in bbb.join_url(ROOM, PUPIL, now=now)
    assert "password" not in pupil and "moderatorPW" not in pupil


# --- BigBlueButton: real HTTP ------------------------------------------------------------------------


def test_bbb_creates_the_room_and_reads_it_back_through_http():
    with FakeBigBlueButton() as server:
        bbb = BigBlueButton(url=server.url, secret=SECRET, timeout=2)
        bbb.open(ROOM)
        bbb.open(ROOM)  # again: the same room (duplicateWarning), no error
        assert [call for call, _ in server.calls] == ["create", "create"]
        assert server.rooms[ROOM.room_id]["guestPolicy"] == "ASK_MODERATOR"
        assert bbb.info(ROOM.room_id)["recording"] == "false"
        assert bbb.running(ROOM.room_id) is False
        bbb.end(ROOM.room_id)
        bbb.end(ROOM.room_id)  # a room already ended is no error
        assert ROOM.room_id not in server.rooms


def test_bbb_with_a_wrong_secret_is_refused_with_the_servers_words():
    with FakeBigBlueButton() as server, pytest.raises(RoomError) as refused:
        BigBlueButton(url=server.url, secret="not-the-secret", timeout=2).open(ROOM)
    assert refused.value.reason == RoomError.REFUSED
    assert "checksumError" in refused.value.detail


@pytest.mark.parametrize(
    ("mode", "reason", "words"),
    [
        ("failed", RoomError.REFUSED, "tooManySessions"),
        ("error", RoomError.UNREACHABLE, "HTTP 500"),
        ("slow", RoomError.UNREACHABLE, "did not answer within"),
    ],
)
def test_bbb_outages_and_refusals_are_room_errors(mode, reason, words):
    with FakeBigBlueButton() as server:
        server.mode, server.delay = mode, 1.5
        began = time.monotonic()
        with pytest.raises(RoomError) as failed:
            BigBlueButton(url=server.url, secret=SECRET, timeout=0.3).open(ROOM)
        waited = time.monotonic() - began
    assert failed.value.reason == reason
    assert words in failed.value.detail
    assert waited < 1.4  # the short timeout, not the server's delay


def test_bbb_closed_port_is_unreachable():
    with pytest.raises(RoomError) as failed:
        BigBlueButton(url=f"http://127.0.0.1:{closed_port()}/bigbluebutton/", secret=SECRET, timeout=1).open(ROOM)
    assert failed.value.reason == RoomError.UNREACHABLE


# --- Jitsi: HS256 tokens -----------------------------------------------------------------------------


def test_hs256_signature_is_rfc_7515_appendix_a1():
    """RFC 7515 A.1: the JWS of these exact header and payload octets with this key."""
    header = b'{"typ":"JWT",\r\n "alg":"HS256"}'
    payload = b'{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'
    key = base64.urlsafe_b64decode(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow=="
    )
    assert sign_hs256(header, payload, key) == (
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
        ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    )
    assert b64url(b"\xfb\xff") == "-_8"  # the URL-safe alphabet, no padding


def _decode(token: str, secret: str) -> tuple[dict, dict]:
    """Checked here without the code under test: split, verify the HMAC, read the JSON."""
    head, body, signature = token.split(".")
    expected = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    pad = lambda text: text + "=" * (-len(text) % 4)  # noqa: E731
    assert hmac.compare_digest(base64.urlsafe_b64decode(pad(signature)), expected)
    return json.loads(base64.urlsafe_b64decode(pad(head))), json.loads(base64.urlsafe_b64decode(pad(body)))


def _token(address: str) -> str:
    return dict(parse_qsl(urlsplit(address).query))["jwt"]


JITSI = Jitsi(domain="meet.example.org", app_id="twinning", secret="a-long-jitsi-app-secret", audience="jitsi")


def test_jitsi_teacher_token_has_the_documented_claims_and_is_moderator():
    header, claims = _decode(_token(JITSI.join_url(ROOM, TEACHER, now=START)), "a-long-jitsi-app-secret")
    assert header == {"alg": "HS256", "typ": "JWT"}
    assert (claims["aud"], claims["iss"], claims["sub"], claims["room"]) == (
        "jitsi",
        "twinning",
        "meet.example.org",
        ROOM.room_id,
    )
    assert claims["nbf"] == int((START - timedelta(minutes=15)).timestamp())
    assert claims["exp"] == int((START + timedelta(minutes=45)).timestamp())
    assert claims["context"]["user"] == {
        "id": "t-pseudonym",
        "name": "Dana Levi",
        "moderator": True,
        "affiliation": "owner",
        "lobby_bypass": True,
    }
    assert claims["context"]["room"] == {"lobby_autostart": True}
    assert claims["context"]["features"]["recording"] is False  # the room may not be recorded


def test_jitsi_pupil_token_is_never_a_moderators():
    address = JITSI.join_url(ROOM, PUPIL, now=START)
    _header, claims = _decode(_token(address), "a-long-jitsi-app-secret")
    user = claims["context"]["user"]
    assert user["moderator"] is False and user["affiliation"] == "member" and user["lobby_bypass"] is False
    assert claims["context"]["features"] == {"recording": False, "livestreaming": False, "transcription": False}
    assert "owner" not in json.dumps(claims)
    assert address.endswith("#config.startWithAudioMuted=true&config.startWithVideoMuted=true")


def test_a_token_signed_with_another_secret_does_not_verify():
    with pytest.raises(AssertionError):
        _decode(_token(JITSI.join_url(ROOM, PUPIL, now=START)), "another-secret")


# --- Choosing a provider -----------------------------------------------------------------------------


def test_each_programme_gets_its_provider_and_missing_settings_say_so():
    config = {"default": "bigbluebutton", "programmes": {"mifgash": "jitsi"}}
    assert rooms.kind_for("mifgash", config) == "jitsi"
    assert rooms.kind_for("other", config) == "bigbluebutton"
    assert rooms.kind_for(None, {}) == "link"
    for kind in ("bigbluebutton", "jitsi", "zoom"):
        with pytest.raises(RoomError) as missing:
            rooms.provider_named(kind, config)
        assert missing.value.reason == RoomError.NOT_CONFIGURED
    assert rooms.provider_named("link", {}).separates_roles is False


def test_a_typed_link_is_given_to_teachers_only():
    link = rooms.provider_named("link", {})
    room = RoomRequest(**{**ROOM.__dict__, "link": "https://meet.example.org/abc"})
    assert link.join_url(room, TEACHER, now=START) == "https://meet.example.org/abc"
    with pytest.raises(RoomError):
        link.join_url(room, PUPIL, now=START)
