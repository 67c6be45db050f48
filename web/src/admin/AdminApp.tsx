import { PageHeading } from '../components/PageHeading';

export const AdminApp = () => <PageHeading>Admin</PageHeading>;
