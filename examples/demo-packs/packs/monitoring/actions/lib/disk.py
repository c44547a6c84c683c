"""Disk usage arithmetic, kept free of StackStorm imports so plain pytest can test it."""


def usage_percent(total, used):
    if total <= 0:
        raise ValueError("filesystem reports a total size of {}".format(total))
    return round(100.0 * used / total, 1)


def classify(percent, warn_percent, crit_percent):
    if warn_percent > crit_percent:
        raise ValueError("warn_percent ({}) is above crit_percent ({})".format(warn_percent, crit_percent))
    if percent >= crit_percent:
        return "critical"
    if percent >= warn_percent:
        return "warning"
    return "ok"
