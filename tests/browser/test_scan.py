"""Scanning a checkpoint's QR code with the camera (a fake camera that films a printed code)."""
from pathlib import Path

import segno

from tests.browser.conftest import CHROMIUM
from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.conftest import PHONE
from tests.browser.conftest import TEST_CSP
from tests.browser.phone import Phone


def qr_video(text: str, path: Path, width: int = 640, height: int = 480, module: int = 8) -> Path:
    """A one-frame Y4M video of ``text`` as a QR code, what Chromium's fake camera plays."""
    rows = [list(row) for row in segno.make(text, error="m", micro=False).matrix_iter(scale=module, border=4)]
    top, left = (height - len(rows)) // 2, (width - len(rows[0])) // 2
    luma = bytearray([235]) * (width * height)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                luma[(top + y) * width + left + x] = 16
    chroma = bytes([128]) * (width * height // 4)
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"FRAME\n" + bytes(luma) + chroma + chroma)
    return path


def test_scanning_a_checkpoint_code_checks_it(playwright_instance, live, tmp_path):
    video = qr_video("CHHY-CP03", tmp_path / "qr.y4m")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(viewport=PHONE, base_url=live.url, locale="zh-CN", **TEST_CSP,
                                      timezone_id="Asia/Shanghai", permissions=["camera"])
        phone = Phone(context.new_page(), live)
        page = phone.page
        phone.sign_in("manager1")
        phone.open("patrol")
        if page.locator("#routes").count():
            page.click("#routes li:has-text('日间巡视路线') button[data-route]")
            phone.wait_saved()
        page.click("#scan")
        page.wait_for_selector(".scanner video")
        page.wait_for_selector(".scanner", state="detached", timeout=20000)
        page.wait_for_selector("#checkpoints li:has-text('地下车库入口') .tag.ok")
        visit = [e for e in phone.outbox() if e["type"] == "patrol.checkpoint"] or None
        row = page.locator("#checkpoints li:has-text('地下车库入口')")
        assert "已打卡" in row.inner_text()
        if visit:
            assert visit[-1]["data"]["method"] == "qr"
        assert phone.errors == []
    finally:
        browser.close()
