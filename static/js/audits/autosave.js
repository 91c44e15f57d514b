// Autosave of the department audit form: each question (a fieldset[data-question]) is POSTed on its own,
// debounced, to the answer-save endpoint; the status region says "Saved" or "Error". Without this script
// the form still works through its "Save draft" and "Submit" buttons.
//
// The page never trusts what it sent: every response carries the answer as stored ("answer"), and the
// question is re-rendered from it, so "Saved" always sits next to what a reload would show. A value and
// "not applicable" exclude each other (the server refuses both together): picking a value unticks "not
// applicable" and ticking it clears the value, visibly, before the save is sent.
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

  function valueInputs(fieldset) {
    return fieldset.querySelectorAll("input[type=radio], input[inputmode=decimal], textarea[name$='-text_value']");
  }

  function naBox(fieldset) {
    return fieldset.querySelector("input[name$='-not_applicable']");
  }

  // The two sides of the N/A choice: whichever the user just chose clears the other one on screen.
  function keepChoiceConsistent(fieldset, target) {
    var na = naBox(fieldset);
    if (!na) {
      return;
    }
    if (target === na) {
      if (na.checked) {
        valueInputs(fieldset).forEach(function (input) {
          if (input.type === "radio") {
            input.checked = false;
          } else {
            input.value = "";
          }
        });
      }
    } else if (Array.prototype.indexOf.call(valueInputs(fieldset), target) !== -1 && na.checked &&
               (target.type === "radio" ? target.checked : target.value.trim() !== "")) {
      na.checked = false;
    }
  }

  // What each input held when the save was sent: an input changed since then keeps the user's newer text
  // (its own save is queued) instead of being overwritten by the older stored state.
  function snapshot(fieldset) {
    var values = [];
    fieldset.querySelectorAll("input, textarea").forEach(function (input) {
      values.push(input.type === "radio" || input.type === "checkbox" ? input.checked : input.value);
    });
    return values;
  }

  function unchangedSince(sent, fieldset) {
    var now = snapshot(fieldset);
    var inputs = fieldset.querySelectorAll("input, textarea");
    return function (input) {
      var index = Array.prototype.indexOf.call(inputs, input);
      return index === -1 || now[index] === sent[index];
    };
  }

  function setText(input, value, unchanged) {
    // A field the user is still typing in keeps their text ("12." must not become "12" under the cursor);
    // leaving it fires "change", which saves again and renders the stored text once the field is left.
    if (input && unchanged(input) && input !== document.activeElement && input.value !== value) {
      input.value = value;
    }
  }

  function showStored(fieldset, answer, unchanged) {
    if (!answer) {
      return;
    }
    fieldset.querySelectorAll("input[type=radio]").forEach(function (input) {
      if (unchanged(input)) {
        input.checked = input.value === answer.value;
      }
    });
    setText(fieldset.querySelector("input[inputmode=decimal]"), answer.value, unchanged);
    setText(fieldset.querySelector("textarea[name$='-text_value']"), answer.value, unchanged);
    var na = naBox(fieldset);
    if (na && unchanged(na)) {
      na.checked = answer.not_applicable;
    }
    setText(fieldset.querySelector("textarea[name$='-comment']"), answer.comment, unchanged);
    setText(fieldset.querySelector("input[name$='-evidence_url']"), answer.evidence_url, unchanged);
    var current = fieldset.querySelector("[data-current-file]");
    if (current) {
      var link = current.querySelector("[data-current-file-link]");
      link.textContent = answer.evidence_file;
      link.setAttribute("href", answer.evidence_file_url || "#");
      current.hidden = !answer.evidence_file;
      var clear = current.querySelector("input[type=checkbox]");
      if (clear && unchanged(clear)) {
        clear.checked = false;
      }
    }
    fieldset.setAttribute("data-updated-at", answer.updated_at || "");
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
    var sent = snapshot(fieldset);
    fetch(form.getAttribute("data-save-url"), {
      method: "POST",
      body: payload(fieldset),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch", "Accept": "application/json" },
    })
      .then(function (response) {
        if (response.status === 503) {
          retryLater(fieldset, response.headers.get("Retry-After"));
        }
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (result.ok) {
          delete retries[fieldset.getAttribute("data-question")];
          var unchanged = unchangedSince(sent, fieldset);
          showErrors(fieldset, {});
          showProgress(result.body);
          var file = fieldset.querySelector("input[type=file]");
          if (file && file.value && unchanged(file)) {
            file.value = ""; // uploaded: do not send it again with the next change
          }
          showStored(fieldset, result.body.answer, unchanged);
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

  // 503 + Retry-After: the server lost its database connection and cannot say whether the save was stored
  // (accounts/transactions.py). Send the same fields again after the pause the server asks for, a few times.
  var retries = {};
  var MAX_RETRIES = 5;

  function retryLater(fieldset, retryAfter) {
    var id = fieldset.getAttribute("data-question");
    retries[id] = (retries[id] || 0) + 1;
    if (retries[id] > MAX_RETRIES) {
      return;
    }
    var seconds = parseInt(retryAfter, 10) || 2;
    clearTimeout(timers[id]);
    timers[id] = setTimeout(function () {
      save(fieldset);
    }, seconds * 1000);
  }

  function schedule(event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) {
      return;
    }
    keepChoiceConsistent(fieldset, event.target);
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
