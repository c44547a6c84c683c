import requests

from st2reactor.sensor.base import PollingSensor


class HttpWatchSensor(PollingSensor):
    def __init__(self, sensor_service, config=None, poll_interval=60):
        super(HttpWatchSensor, self).__init__(
            sensor_service=sensor_service, config=config, poll_interval=poll_interval
        )
        self._logger = self.sensor_service.get_logger(name=self.__class__.__name__)
        self._down = set()

    def setup(self):
        config = self.config or {}
        self._endpoints = config.get("endpoints", [])
        self._timeout = config.get("timeout", 10)
        token = config.get("auth_token")
        self._headers = {"Authorization": "Bearer " + token} if token else {}

    def poll(self):
        for url in self._endpoints:
            status, error = self._probe(url)
            if error is None and status < 500:
                self._down.discard(url)
            elif url not in self._down:
                # Fire on the transition only: a trigger every poll would open an incident a minute.
                self._down.add(url)
                self._logger.info("endpoint down: %s", url)
                self.sensor_service.dispatch(
                    trigger="monitoring.endpoint_down",
                    payload={"url": url, "status": status, "error": error or ""},
                )

    def _probe(self, url):
        try:
            return requests.get(url, headers=self._headers, timeout=self._timeout).status_code, None
        except requests.RequestException as exc:
            return 0, str(exc)

    def cleanup(self):
        pass

    def add_trigger(self, trigger):
        pass

    def update_trigger(self, trigger):
        pass

    def remove_trigger(self, trigger):
        pass
