import shutil

from st2common.runners.base_action import Action

from lib.disk import classify, usage_percent


class CheckDiskAction(Action):
    def run(self, path="/", warn_percent=80, crit_percent=90):
        usage = shutil.disk_usage(path)
        percent = usage_percent(usage.total, usage.used)
        state = classify(percent, warn_percent, crit_percent)
        return (state != "critical", {"path": path, "used_percent": percent, "state": state})
