"""Print the code an authenticator app shows now for the demo's staff accounts (demo databases only).

    python manage.py demo_code

The demo's platform admin, NSO staff and coordinators share one authenticator key (written in
``VAR_DIR/demo-sign-ins.txt``); this saves trying the demo with a phone at hand.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from twinning.demo.data import DEMO_DOMAIN


class Command(BaseCommand):
    help = "Print the current authenticator code of the demo's staff accounts (only accounts of the demo)."

    def handle(self, *args, **options):
        device = (
            TOTPDevice.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}", confirmed=True).order_by("pk").first()
        )
        if device is None:
            raise CommandError("No demo account has an authenticator app: load the demo first (make demo).")
        now = time.time()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = now
        left = device.step - int(now - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}\n")
        self.stderr.write(
            f"Valid for {left} more seconds. Each code signs a given account in once: for a second sign-in"
            " to the same account, wait for the next code.\n"
        )
