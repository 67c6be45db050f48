import { PageHeading } from '../../components/PageHeading';

export const ProfilePage = () => <PageHeading>ProfilePage</PageHeading>;
