// Behaviour shared by every page. No inline scripts: the Content-Security-Policy forbids them.
"use strict";

// A form or button marked data-confirm asks before a destructive action is sent.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const button = event.submitter;
  const question = (button && button.dataset.confirm) || form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
