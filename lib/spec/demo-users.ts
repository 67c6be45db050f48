/** The original platform's demo accounts: loaded in the sandbox and the dev stage only, never in prod. */
export interface DemoUser {
  email: string;
  password: string;
  first_name: string;
  last_name: string;
  role: 'customer' | 'admin';
}

export const demoUsers: DemoUser[] = [
  { email: 'admin@ecommerce.local', password: 'admin123', first_name: 'Admin', last_name: 'User', role: 'admin' },
  {
    email: 'customer@ecommerce.local',
    password: 'customer123',
    first_name: 'Customer',
    last_name: 'User',
    role: 'customer',
  },
];
