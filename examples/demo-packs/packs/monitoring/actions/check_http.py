import requests

from st2common.runners.base_action import Action


class CheckHttpAction(Action):
    def run(self, url, expected_status=200, timeout=None):
        config = self.config or {}
        headers = {}
        if config.get("auth_token"):
            headers["Authorization"] = "Bearer " + config["auth_token"]
        try:
            response = requests.get(url, headers=headers, timeout=timeout or config.get("timeout", 10))
        except requests.RequestException as exc:
            return (False, {"url": url, "error": str(exc)})
        result = {
            "url": url,
            "status": response.status_code,
            "elapsed_ms": int(response.elapsed.total_seconds() * 1000),
        }
        return (response.status_code == expected_status, result)
