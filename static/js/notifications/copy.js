// Copy buttons for secret addresses: shown only when the Clipboard API exists (progressive enhancement).
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  if (!navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    var input = document.getElementById(button.dataset.copyTarget);
    var status = button.parentElement.querySelector("[data-copy-status]");
    navigator.clipboard.writeText(input.value).then(function () {
      if (status) { status.textContent = button.dataset.copiedText || "✓"; }
    });
  });
});
