"""An unforeseen error is told in Chinese without its name; the maintainer finds the name and traceback in the log."""

from yc_reports import errorlog


def test_the_user_reads_what_failed_and_where_the_details_are(tmp_path, monkeypatch):
    monkeypatch.setattr(errorlog.tempfile, "gettempdir", lambda: str(tmp_path))
    try:
        raise KeyError("green_parks")
    except KeyError as exc:
        text = errorlog.internal_error_text("生成报告", exc)
    assert text == (f"生成报告时出现程序内部错误，本次未写出任何结果。详细信息已记录在 {tmp_path / errorlog.LOG_NAME}，"
                    "请将该文件发送给系统维护人员。")
    assert "KeyError" not in text
    log = (tmp_path / errorlog.LOG_NAME).read_text("utf-8")
    assert "KeyError: 'green_parks'" in log and "Traceback" in log


def test_an_unwritable_log_still_gives_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(errorlog.tempfile, "gettempdir", lambda: str(tmp_path / "missing"))
    text = errorlog.internal_error_text("汇总", ValueError("x"), "输出文件夹保持上次的结果")
    assert text == "汇总时出现程序内部错误，输出文件夹保持上次的结果。请联系系统维护人员。"
