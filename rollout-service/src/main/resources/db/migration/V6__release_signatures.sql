-- The release signature each upload was accepted with (ReleaseSignature's header form), served beside the manifest.
-- Packages stored before uploads had to be signed keep none.
alter table app_package add column release_signature text;
-- Each rollout carries its package's signature into every Upgrade, so a device can check it before fetching.
alter table rollout add column release_signature text;
