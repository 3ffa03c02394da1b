"""referrals: models arrive with the referrals issue."""
