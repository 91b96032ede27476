import { render } from 'preact';

render(<p>Tattler</p>, document.getElementById('app') as HTMLElement);
