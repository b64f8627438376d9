// The publish form: an event and a JSON payload to a channel's subscribers on every node.

import { api } from './api.js';
import { $, showMessage } from './dom.js';

export function setUpPublishPanel() {
  $('publish-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target.elements;
    const result = $('publish-result');
    let payload;
    try {
      payload = form.payload.value.trim() === '' ? undefined : JSON.parse(form.payload.value);
    } catch {
      showMessage(result, 'the payload is not valid JSON', true);
      return;
    }
    const channel = form.channel.value.trim();
    const tenant = form.tenant.value.trim() || undefined;
    api('/publish', { channel, tenant, event: form.event.value.trim(), payload }).then(
      () => showMessage(result, `published to ${channel}`, false),
      (error) => showMessage(result, error.message, true),
    );
  });
}
