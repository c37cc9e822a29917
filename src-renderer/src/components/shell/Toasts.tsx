import { memo, useEffect } from 'react'
import { useStore } from '../../store'
import type { Toast } from '../../store/toasts-slice'

/** How long a toast stays: errors longer, since they carry the message the user must act on. */
const TTL_MS = { error: 12_000, info: 5_000, success: 4_000 } as const

const ToastItem = memo(function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useStore((s) => s.dismissToast)
  useEffect(() => {
    const t = setTimeout(() => dismiss(toast.id), TTL_MS[toast.kind])
    return () => clearTimeout(t)
  }, [toast.id, toast.kind, dismiss])
  return (
    <div
      className={`toast ${toast.kind}`}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      data-testid={`toast-${toast.kind}`}
    >
      <div className="toast-body">
        {toast.title && <div className="toast-title">{toast.title}</div>}
        <div className="toast-message">{toast.message}</div>
      </div>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  )
})

/** The toast stack (announced to screen readers through the role of each toast). */
export function Toasts() {
  const toasts = useStore((s) => s.toasts)
  return (
    <div className="toasts" data-testid="toasts">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  )
}
