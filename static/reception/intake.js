// Copy the priority tick-box into every ticket form before it is sent, so
// one box serves all the proposed lines.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.classList || !form.classList.contains("issue-form")) return;
  const box = document.getElementById("priority");
  form.querySelector("input[name=priority]").value = box && box.checked ? "on" : "";
});
