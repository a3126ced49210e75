"""Stack tests of generation (issue: Generate, watch and keep videos), against the simulator in
fast mode, through nginx."""
import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.request

from . import client
from .client import Browser, EventStream
from .images import png
from .registry import test
from .stack import Stack, wait_for, database

FOX = {"prompt": "a red fox running through snow", "duration": "6", "aspect_ratio": "9:16",
       "resolution": "720p", "seed": "", "audio": "on", "model": "doubao-seedance-1-5-pro"}


def task_row(stack, task_id):
    with database(os.path.join(stack.data_dir, "reeldesk.sqlite3")) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone())


def wait_status(stack, task_id, statuses, seconds):
    wait_for(lambda: task_row(stack, task_id)["status"] in statuses, seconds,
             "task %s to reach %s" % (task_id, statuses))
    return task_row(stack, task_id)


def create(b, **fields):
    r = b.post_form("/tasks", dict(FOX, **fields))
    assert r.status == 303, (r.status, r.text[:400])
    return int(r.headers["Location"].rsplit("/", 1)[1])


def sim_stats(stack):
    with urllib.request.urlopen(stack.sim_base + "/__sim/stats", timeout=10) as r:
        return json.loads(r.read())


def set_faults(stack, text):
    req = urllib.request.Request(stack.sim_base + "/__sim/faults", data=text.encode(), method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200


def ffprobe(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", "-show_format", path],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


@test
def generation_streams_progress_and_archives_the_exact_video(stack):
    b = Browser(stack.port)
    s = EventStream(stack.port)
    task_id = create(b)
    wait_status(stack, task_id, ("completed",), 60)
    events = [e for e in s.events(100, timeout=1.0) if json.loads(e["data"])["id"] == task_id]
    s.close()
    payloads = [json.loads(e["data"]) for e in events]
    statuses = [p["task"]["status"] for p in payloads]
    progress = [p["task"]["progress"] for p in payloads if p["task"]["status"] == "processing"]
    print("    events: %s; processing progress %s" % (" → ".join(dict.fromkeys(statuses)), progress))
    assert statuses[0] == "queued" and statuses[-1] == "completed", statuses
    assert "processing" in statuses and len(progress) >= 2 and progress == sorted(progress) and progress[-1] > progress[0], progress
    done = payloads[-1]
    video = done["task"]["video"]
    assert video["url"] == "/tasks/%d/video" % task_id and video["poster_url"] == "/tasks/%d/poster" % task_id, done
    assert 'src="/tasks/%d/video"' % task_id in done["view"]["player_html"], "the player arrives rendered"
    row = task_row(stack, task_id)
    info = ffprobe(os.path.join(stack.data_dir, "media", row["video_file"]))
    video = [st for st in info["streams"] if st["codec_type"] == "video"][0]
    audio = [st for st in info["streams"] if st["codec_type"] == "audio"]
    assert (video["width"], video["height"]) == (720, 1280), video
    assert video["codec_name"] == "h264" and video["r_frame_rate"] == "24/1", video
    assert abs(float(info["format"]["duration"]) - 6) < 0.1 and len(audio) == 1, info["format"]
    page = b.get("/tasks/%d" % task_id)
    assert '<video controls' in page.text and 'src="/tasks/%d/video"' % task_id in page.text


@test
def silent_wide_480p_clip_has_no_audio_track_and_the_table_size(stack):
    b = Browser(stack.port)
    task_id = create(b, prompt="城市夜景 timelapse", aspect_ratio="21:9", resolution="480p", duration="4", audio="")
    row = wait_status(stack, task_id, ("completed",), 60)
    info = ffprobe(os.path.join(stack.data_dir, "media", row["video_file"]))
    video = [st for st in info["streams"] if st["codec_type"] == "video"][0]
    assert (video["width"], video["height"]) == (992, 432), video
    assert not [st for st in info["streams"] if st["codec_type"] == "audio"]
    assert abs(float(info["format"]["duration"]) - 4) < 0.1


def center_pixel(path, last=False):
    seek = ["-sseof", "-0.2"] if last else []
    return subprocess.run(["ffmpeg", "-v", "error"] + seek + ["-i", path, "-frames:v", "1", "-vf", "crop=2:2:iw/2:ih/2,scale=1:1",
                           "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout


@test
def uploaded_first_and_last_frames_reach_the_simulator_by_public_url(stack):
    b = Browser(stack.port)
    r = b.post_multipart("/tasks", dict(FOX, prompt="from uploaded frames", resolution="480p", duration="4"),
                         {"first_frame": ("first.png", "image/png", png(640, 360, (250, 20, 20))),
                          "last_frame": ("last.png", "image/png", png(640, 360, (20, 20, 250)))})
    assert r.status == 303, r.text[:300]
    task_id = int(r.headers["Location"].rsplit("/", 1)[1])
    row = wait_status(stack, task_id, ("completed", "failed"), 60)
    assert row["status"] == "completed", row["error_message"]
    video = os.path.join(stack.data_dir, "media", row["video_file"])
    first, last = center_pixel(video), center_pixel(video, last=True)
    assert first[0] > 180 and first[2] < 90, "the video does not start on the uploaded red frame: %r" % first
    assert last[2] > 180 and last[0] < 90, "the video does not end on the uploaded blue frame: %r" % last


@test
def no_balance_fails_the_submit_with_a_clear_message(stack):
    b = Browser(stack.port)
    task_id = create(b, prompt="[sim:402] an expensive idea", resolution="480p", duration="4")
    row = wait_status(stack, task_id, ("failed",), 30)
    assert "no balance left" in row["error_message"], row["error_message"]


@test
def video_is_served_with_ranges_and_a_download_name_after_the_link_expired_and_the_simulator_stopped(stack):
    b = Browser(stack.port)
    task_id = create(b, prompt="keep me forever [sim:shortlink]", resolution="480p", duration="4")
    row = wait_status(stack, task_id, ("completed",), 60)
    upstream_url = row["upstream_video_url"]
    wait_for(lambda: time.time() > row["upstream_expires_at"] + 0.5, 15, "the upstream link to expire")
    try:
        r = urllib.request.urlopen(upstream_url, timeout=5)
        raise AssertionError("the simulator still serves an expired link: %s %s %s now=%s" % (upstream_url, r.status, row["upstream_expires_at"], time.time()))
    except urllib.error.HTTPError as e:
        assert e.code == 404
    stack.sim.send_signal(signal.SIGTERM)
    stack.sim.wait(10)
    try:
        r = b.get("/tasks/%d/video" % task_id, headers={"Range": "bytes=0-1023"})
        assert r.status == 206 and len(r.body) == 1024 and r.headers["Content-Type"] == "video/mp4", (r.status, r.headers)
        full = b.get("/tasks/%d/video?download=1" % task_id)
        assert full.status == 200 and full.body[4:8] == b"ftyp"
        assert 'filename="reeldesk-%d-keep-me-forever-sim-shortlink.mp4"' % task_id in full.headers["Content-Disposition"]
        poster = b.get("/tasks/%d/poster" % task_id)
        assert poster.status == 200 and poster.body[:2] == b"\xff\xd8"
        assert b.get("/media/%d/video.mp4" % task_id).status == 404, "media must only be reachable through the app"
    finally:
        stack.start_simulator()


@test
def moderation_failure_ends_failed_with_its_message_and_is_not_retried(stack):
    b = Browser(stack.port)
    before = sim_stats(stack)
    task_id = create(b, prompt="[sim:moderation] something unacceptable", resolution="480p", duration="4")
    row = wait_status(stack, task_id, ("failed", "completed"), 30)
    assert row["status"] == "failed"
    assert "content moderation" in row["error_message"] and "request_id" not in row["error_message"], row["error_message"]
    time.sleep(2)
    assert task_row(stack, task_id)["status"] == "failed"
    assert sim_stats(stack)["submissions"] == before["submissions"] + 1
    page = b.get("/tasks/%d" % task_id)
    assert "content moderation" in page.text and "/tasks/%d/retry" % task_id in page.text


@test
def a_task_that_never_finishes_times_out_and_retry_submits_a_new_attempt(stack):
    b = Browser(stack.port)
    task_id = create(b, prompt="[sim:never] an endless shot", resolution="480p", duration="4")
    row = wait_status(stack, task_id, ("timed_out",), 40)
    assert "No progress" in row["error_message"]
    r = b.post_form("/tasks/%d/retry" % task_id, {})
    assert r.status == 303
    attempt = int(r.headers["Location"].rsplit("/", 1)[1])
    assert attempt != task_id
    new = task_row(stack, attempt)
    assert new["status"] in ("queued", "submitted", "processing") and new["error_message"] is None
    assert new["parent_task_id"] == task_id and new["lineage"] == "retry" and new["seed"] == row["seed"]
    assert task_row(stack, task_id)["status"] == "timed_out", "the first attempt keeps its state and error"
    again = b.post_form("/tasks/%d/retry" % task_id, {})
    assert again.status == 303 and again.headers["Location"].endswith("/tasks/%d" % attempt), "one retry per attempt"


@test
def download_failing_until_the_link_expires_marks_the_task_expired(stack):
    b = Browser(stack.port)
    task_id = create(b, prompt="[sim:nofile][sim:shortlink] lost in transit", resolution="480p", duration="4")
    row = wait_status(stack, task_id, ("expired", "completed"), 40)
    assert row["status"] == "expired" and "expired before Reeldesk could save" in row["error_message"], row


@test
def regenerate_remix_and_reuse_seed(stack):
    b = Browser(stack.port)
    task_id = create(b, prompt="remix me", seed="1234", resolution="1080p", aspect_ratio="4:3", duration="7", camerafixed="on")
    r = b.post_form("/tasks/%d/regenerate" % task_id, {})
    assert r.status == 303
    copy = int(r.headers["Location"].rsplit("/", 1)[1])
    original, regenerated = task_row(stack, task_id), task_row(stack, copy)
    for k in ("prompt", "seed", "resolution", "aspect_ratio", "duration", "camera_fixed", "audio"):
        assert original[k] == regenerated[k], k
    assert regenerated["parent_task_id"] == task_id
    remix = b.get("/?remix=%d" % task_id).text
    assert "remix me</textarea>" in remix and 'value="1234"' in remix and 'value="7"' in remix
    assert '<option value="1080p" selected>' in remix and 'value="4:3" checked' in remix
    seed_only = b.get("/?seed_from=%d" % task_id).text
    assert 'value="1234"' in seed_only and "remix me</textarea>" not in seed_only
    assert b.post_form("/tasks/%d/retry" % task_id, {}).status == 409


@test
def wrong_api_key_fails_tasks_with_a_banner_for_everyone(stack):
    wrong = "sk-wrong-" + os.urandom(8).hex()
    client.EXTRA_SECRETS.append(wrong)
    other = Stack(stack.binary, {"REELDESK_API_KEY": wrong, "REELDESK_UPSTREAM_URL": stack.sim_base}).start()
    try:
        b = Browser(other.port)
        assert "Simulated upstream" not in b.get("/").text
        task_id = create(b, prompt="with a bad key", resolution="480p", duration="4")
        row = wait_status(other, task_id, ("failed",), 30)
        assert "rejected the API key" in row["error_message"]
        for page in ("/", "/tasks", "/tasks/%d" % task_id):
            assert "rejected Reeldesk&#39;s API key (401)" in Browser(other.port).get(page).text, page
    finally:
        other.stop()
        logs = other.log_text()
        other.cleanup()
    assert wrong not in logs
