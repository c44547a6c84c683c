from st2common.runners.base_action import Action


class GreetAction(Action):
    def run(self, name, shout=False):
        greeting = "Hello, {}!".format(name)
        return greeting.upper() if shout else greeting
