// The face of a file input (templates' .file-pick): the chosen file's name beside the button.

/** Shows the picked file's name in place of "No file chosen"; the name is no longer translated. */
export function mountFilePick(input) {
  const name = input.parentElement.querySelector(".file-name");
  input.addEventListener("change", () => {
    const picked = input.files && input.files[0];
    // A cancelled second pick leaves the loaded file loaded: its name stays.
    if (!picked) return;
    name.textContent = picked.name;
    name.title = picked.name;
    name.removeAttribute("data-i18n");
  });
}
