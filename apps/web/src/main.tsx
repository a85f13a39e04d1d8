import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import './styles/base.css';
import './styles/auth.css';
import './styles/layout.css';
import './styles/sidebar.css';
import './styles/messages.css';
import './styles/dialog.css';
import './styles/threads.css';
import './styles/client.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
