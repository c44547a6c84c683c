import json
import time
import uuid

from st2common.runners.base_action import Action


class OpenIncidentAction(Action):
    def run(self, title, severity="minor", source="chat"):
        incident = {
            "id": "INC-" + uuid.uuid4().hex[:8].upper(),
            "title": title,
            "severity": severity,
            "source": source,
            "status": "open",
            "opened_at": int(time.time()),
        }
        # The datastore, not a local file, so every st2 node and later actions see the record.
        self.action_service.set_value("incident." + incident["id"], json.dumps(incident), local=False)
        return incident
