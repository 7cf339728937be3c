"""`python manage.py purge_expired`: erase the clients past their network's retention time.

Schedule it daily (see the README); it is safe to run at any time and as often as wanted.
"""

from django.core.management.base import BaseCommand

from sessions.services.retention import purge_expired


class Command(BaseCommand):
    help = "Erase clients whose last case discussion is older than their network's retention."

    def handle(self, *args, **options):
        erased = purge_expired()
        for network, count in erased.items():
            self.stdout.write(f"{network}: {count} client(s) erased")
        self.stdout.write(f"{sum(erased.values())} client(s) erased in all.")
