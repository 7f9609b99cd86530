// Copies text to the clipboard; false when the browser refuses (no secure context, no permission).
export async function copyText(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        return false;
    }
}
