"""Synthetic licence plates: a clean renderer, degradations and random plate texts.

``render_plate`` draws a clean Uzbek plate; ``degrade`` turns it into something a camera
might have seen; ``random_uz_text`` draws plate texts with realistic format frequencies.
"""

from platewarden.synth.degrade import degrade
from platewarden.synth.texts import random_uz_text
from platewarden.synth.uzplate import render_plate

__all__ = ["degrade", "random_uz_text", "render_plate"]
