"""A new or changed emergency grant drops its holder's cached grants (clients.models.emergency_client_ids),
so the client is in their scope at once, and out of it once a grant is withdrawn."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clients.models import EmergencyAccess, emergency_grants_key


@receiver(post_save, sender=EmergencyAccess, dispatch_uid="emergency-grant-saved")
@receiver(post_delete, sender=EmergencyAccess, dispatch_uid="emergency-grant-deleted")
def emergency_grant_changed(sender, instance, **kwargs):
    holder = instance._state.fields_cache.get("user")  # the holder's own object, if at hand, forgets its grants too
    if holder is not None:
        holder.__dict__.pop("_emergency_grants", None)
    key = emergency_grants_key(instance.user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))  # and again, past anything cached meanwhile
