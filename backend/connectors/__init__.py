"""Agency connectors: the contract agencies implement, their registration, and the one outbound
client that calls them on a citizen's behalf (with every call recorded)."""
