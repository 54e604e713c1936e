"""reporting publishes no events: it only reads the others'."""
from services.common.events import catalogue

CATALOGUE = catalogue()
