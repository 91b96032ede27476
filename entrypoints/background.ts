export default defineBackground(() => {
  // Wired in lib/background-main.ts (kept out of the entrypoint so it can be tested).
});
