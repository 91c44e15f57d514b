// Autosave of the department audit form: each question (a fieldset[data-question]) is POSTed on its own,
// debounced, to the answer-save endpoint; the status region says "Saved" or "Error". Without this script
// the form still works through its "Save draft" and "Submit" buttons.
(function () {
  "use strict";

  var DELAY_MS = 700;
  var form = document.getElementById("answer-form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var progressText = document.querySelector("[data-progress-text]");
  var progressBar = document.querySelector("[data-progress-bar]");
  var timers = {};

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input && input.value) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function say(text, isError) {
    if (!status) {
      return;
    }
    status.textContent = text;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function payload(fieldset) {
    var data = new FormData();
    data.append("question", fieldset.getAttribute("data-question"));
    fieldset.querySelectorAll("input, textarea, select").forEach(function (input) {
      if (!input.name) {
        return;
      }
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) {
          data.append(input.name, input.value || "on");
        }
      } else if (input.type === "file") {
        if (input.files && input.files.length) {
          data.append(input.name, input.files[0]);
        }
      } else {
        data.append(input.name, input.value);
      }
    });
    return data;
  }

  function showErrors(fieldset, errors) {
    var list = fieldset.querySelector("[data-errors]");
    if (!list) {
      return;
    }
    list.textContent = "";
    Object.keys(errors || {}).forEach(function (field) {
      errors[field].forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
    });
    fieldset.classList.toggle("has-error", list.children.length > 0);
  }

  function showProgress(body) {
    if (progressText && body.progress) {
      progressText.textContent = body.progress;
    }
    if (progressBar && typeof body.answered === "number") {
      progressBar.value = body.answered;
      progressBar.max = body.total;
    }
  }

  // One request at a time, in the order the questions changed: the server sees the last value last, and a
  // question changed again while its save runs is queued once more (the last typed value wins).
  var queue = [];
  var busy = false;

  function save(fieldset) {
    if (queue.indexOf(fieldset) === -1) {
      queue.push(fieldset);
    }
    if (!busy) {
      next();
    }
  }

  function next() {
    var fieldset = queue.shift();
    if (!fieldset) {
      busy = false;
      return;
    }
    busy = true;
    say(form.getAttribute("data-msg-saving"));
    fetch(form.getAttribute("data-save-url"), {
      method: "POST",
      body: payload(fieldset),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch", "Accept": "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (result.ok) {
          showErrors(fieldset, {});
          showProgress(result.body);
          var file = fieldset.querySelector("input[type=file]");
          if (file && file.value) {
            file.value = ""; // uploaded: do not send it again with the next change
          }
          say(form.getAttribute("data-msg-saved"));
        } else {
          showErrors(fieldset, result.body.errors || { "__all__": [result.body.error || ""] });
          say(form.getAttribute("data-msg-error"), true);
        }
      })
      .catch(function () {
        say(form.getAttribute("data-msg-offline"), true);
      })
      .then(next);
  }

  function schedule(event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) {
      return;
    }
    var id = fieldset.getAttribute("data-question");
    clearTimeout(timers[id]);
    var delay = event.type === "change" ? 0 : DELAY_MS;
    timers[id] = setTimeout(function () {
      save(fieldset);
    }, delay);
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches("input[type=text], input[type=url], textarea")) {
      schedule(event);
    }
  });
  form.addEventListener("change", schedule);
})();
